// The mapping table's logic: what the editor offers and checks before the server does (SYNC_API.md refuses the
// rest with 400 invalid_mapping, whose message the page shows).
import type { HubSpotProperty, Mapping, Shape, SyncFields } from './syncSettings';

/** What the editor changes; the server decides isDefault and locked. */
export interface MappingDraft {
  sources: string[];
  target: string;
  shape: Shape;
}

/** Where the editor works: a new mapping, or the mapping at `index`. */
export type EditTarget = { kind: 'new' } | { kind: 'edit'; index: number };

export const EMPTY_DRAFT: MappingDraft = { sources: [], target: '', shape: 'text' };

/**
 * The properties a mapping may write: not read-only, and not already written by another mapping (two mappings
 * onto one property are refused).
 */
export function writableTargets(fields: SyncFields, mappings: Mapping[], at: EditTarget): HubSpotProperty[] {
  const taken = new Set(mappings.filter((_, index) => at.kind === 'new' || index !== at.index).map((mapping) => mapping.target));
  return fields.hubspot.filter((property) => !property.readOnly && !taken.has(property.name));
}

/** What the admin must fix, keyed by field (`sources`, `target`); empty when the draft may be applied. */
export function validateMapping(draft: MappingDraft, mappings: Mapping[], at: EditTarget): Record<string, string> {
  const errors: Record<string, string> = {};
  if (draft.sources.length === 0) errors.sources = 'Choose the QuickBooks field to read.';
  if (!draft.target) {
    errors.target = 'Choose the HubSpot property to write.';
  } else if (mappings.some((mapping, index) => mapping.target === draft.target && (at.kind === 'new' || index !== at.index))) {
    errors.target = `Another mapping already writes "${draft.target}".`;
  }
  return errors;
}

/** The mappings with the draft applied: a new or edited mapping is a custom one until the server says otherwise. */
export function applyDraft(mappings: Mapping[], at: EditTarget, draft: MappingDraft): Mapping[] {
  const mapping: Mapping = { ...draft, sources: [...draft.sources], isDefault: false, locked: false };
  return at.kind === 'new' ? [...mappings, mapping] : mappings.map((current, index) => (index === at.index ? mapping : current));
}

/** A QuickBooks field's label; its path while the field list is not loaded or does not know it. */
export function sourceLabel(fields: SyncFields | null, path: string): string {
  return fields?.quickbooks.find((field) => field.path === path)?.label ?? path;
}

/** A HubSpot property's label; its name while the property list is not loaded or does not know it. */
export function targetLabel(fields: SyncFields | null, name: string): string {
  return fields?.hubspot.find((property) => property.name === name)?.label ?? name;
}
