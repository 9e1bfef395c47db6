// Answers of the sync API as functions/oauth-callback/SYNC_API.md writes them, for the client and the page tests.
import type { FailurePage, ObjectSettings, SyncFields, SyncHealth, SyncSettings } from '@hubspot-quickbooks/shared/syncSettings';
import { ACME } from './fakeBackend';

const REALM = ACME.realmId;
/** The realm id as it appears in a query string (it is all digits, so unchanged). */
export const Q = `realmId=${REALM}`;

const contacts: ObjectSettings = {
  enabled: true,
  onChange: 'create_and_update',
  onDelete: 'mark_inactive',
  mappings: [
    { sources: ['GivenName', 'DisplayName'], target: 'firstname', shape: 'text', isDefault: true, locked: false },
    { sources: ['Id'], target: 'qbo_customer_key', shape: 'text', isDefault: true, locked: true },
    { sources: ['BillAddr.City'], target: 'city', shape: 'text', isDefault: false, locked: false },
  ],
};

export const SETTINGS: SyncSettings = {
  realmId: REALM,
  version: 3,
  objects: {
    contacts,
    products: {
      enabled: false,
      onChange: 'update_only',
      onDelete: 'archive',
      mappings: [{ sources: ['Id'], target: 'qbo_item_key', shape: 'text', isDefault: true, locked: true }],
    },
    invoices: { enabled: true, onChange: 'nothing', onDelete: 'nothing', mappings: [] },
  },
};

export const FIELDS: SyncFields = {
  object: 'contacts',
  quickbooks: [
    { path: 'GivenName', label: 'First name', shape: 'text' },
    { path: 'DisplayName', label: 'Display name', shape: 'text' },
    { path: 'BillAddr.City', label: 'Billing address: city', shape: 'text' },
    { path: 'Balance', label: 'Open balance', shape: 'number' },
  ],
  hubspot: [
    { name: 'firstname', label: 'First name', type: 'string', fieldType: 'text', readOnly: false, options: [] },
    { name: 'city', label: 'City', type: 'string', fieldType: 'text', readOnly: false, options: [] },
    { name: 'qbo_balance', label: 'QuickBooks balance', type: 'number', fieldType: 'number', readOnly: false, options: [] },
    { name: 'hs_object_id', label: 'Record ID', type: 'number', fieldType: 'number', readOnly: true, options: [] },
    {
      name: 'lifecyclestage',
      label: 'Lifecycle stage',
      type: 'enumeration',
      fieldType: 'select',
      readOnly: false,
      options: [{ value: 'customer', label: 'Customer' }],
    },
  ],
};

const ran = {
  lastRun: {
    startedAt: '2026-12-02T21:00:00Z',
    finishedAt: '2026-12-02T21:00:04Z',
    read: 120,
    written: 118,
    failed: 2,
    outcome: 'done' as const,
    message: null,
  },
  cursorAt: '2026-12-02T20:59:59Z',
  failedCount: 2,
};

export const HEALTH: SyncHealth = {
  realmId: REALM,
  state: 'ok',
  message: null,
  objects: { contacts: ran, products: { lastRun: null, cursorAt: null, failedCount: 0 }, invoices: { ...ran, failedCount: 1 } },
};

export const FAILURE_PAGE: FailurePage = {
  failures: [
    {
      object: 'contacts',
      qboId: '58',
      hubspotId: '1201',
      name: 'Acme Ltd',
      reason: 'HubSpot refused the e-mail address "a@b": it is not a valid address',
      failedAt: '2026-12-02T21:00:03Z',
      expiresAt: '2027-01-01T21:00:03Z',
    },
  ],
  next: null,
};
