import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration } from '@hubspot-quickbooks/shared/format';
import { applyDraft, sourceLabel, targetLabel, validateMapping, writableTargets } from '@hubspot-quickbooks/shared/syncMappings';
import { FIELDS, SETTINGS } from './syncFixtures';

const mappings = SETTINGS.objects.contacts.mappings; // firstname (default), qbo_customer_key (locked), city (custom)

describe('mapping table logic', () => {
  it('offers only writable properties that no other mapping writes', () => {
    const names = (at: Parameters<typeof writableTargets>[2]) => writableTargets(FIELDS, mappings, at).map((property) => property.name);
    expect(names({ kind: 'new' })).toEqual(['qbo_balance', 'lifecyclestage']);
    // Editing city keeps city on offer; hs_object_id is read-only either way.
    expect(names({ kind: 'edit', index: 2 })).toEqual(['city', 'qbo_balance', 'lifecyclestage']);
  });

  it('asks for a source and a target, and refuses a second mapping onto one property', () => {
    expect(validateMapping({ sources: [], target: '', shape: 'text' }, mappings, { kind: 'new' })).toEqual({
      sources: 'Choose the QuickBooks field to read.',
      target: 'Choose the HubSpot property to write.',
    });
    expect(validateMapping({ sources: ['BillAddr.City'], target: 'city', shape: 'text' }, mappings, { kind: 'new' })).toEqual({
      target: 'Another mapping already writes "city".',
    });
    expect(validateMapping({ sources: ['BillAddr.City'], target: 'city', shape: 'text' }, mappings, { kind: 'edit', index: 2 })).toEqual({});
  });

  it('applies a draft as a custom mapping, appended or in place', () => {
    const draft = { sources: ['Balance'], target: 'qbo_balance', shape: 'number' as const };
    const custom = { ...draft, isDefault: false, locked: false };
    expect(applyDraft(mappings, { kind: 'new' }, draft)).toEqual([...mappings, custom]);
    expect(applyDraft(mappings, { kind: 'edit', index: 0 }, draft)).toEqual([custom, mappings[1], mappings[2]]);
  });

  it('labels fields and properties, falling back to their raw names', () => {
    expect(sourceLabel(FIELDS, 'BillAddr.City')).toBe('Billing address: city');
    expect(sourceLabel(null, 'BillAddr.City')).toBe('BillAddr.City');
    expect(targetLabel(FIELDS, 'qbo_balance')).toBe('QuickBooks balance');
    expect(targetLabel(FIELDS, 'qbo_customer_key')).toBe('qbo_customer_key');
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-12-02T21:00:00Z');
  it.each([
    ['2026-12-02T20:59:30Z', 'just now'],
    ['2026-12-02T21:00:30Z', 'just now'],
    ['2026-12-02T20:59:00Z', '1 minute ago'],
    ['2026-12-02T20:15:00Z', '45 minutes ago'],
    ['2026-12-02T19:00:00Z', '2 hours ago'],
    ['2026-11-30T20:00:00Z', '2 days ago'],
    ['not a date', 'not a date'],
  ])('%s is %s', (iso, age) => expect(formatAge(iso, now)).toBe(age));
});

describe('formatDuration', () => {
  it('gives seconds under a minute, minutes beyond, and nothing for an end before the start', () => {
    expect(formatDuration('2026-12-02T21:00:00Z', '2026-12-02T21:00:04Z')).toBe('4 s');
    expect(formatDuration('2026-12-02T21:00:00Z', '2026-12-02T21:12:10Z')).toBe('12 min');
    expect(formatDuration('2026-12-02T21:00:04Z', '2026-12-02T21:00:00Z')).toBeNull();
  });
});
