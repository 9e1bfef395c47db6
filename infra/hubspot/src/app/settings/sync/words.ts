// The words the sync settings use, in one place: the API's enum values mean nothing to an admin.
import type { StatusTagProps } from '@hubspot/ui-extensions';
import type { HealthState, OnChange, OnDelete, Outcome, Shape, SyncObject } from '@hubspot-quickbooks/shared/syncSettings';

interface ObjectWords {
  /** The tab's title. */
  title: string;
  /** One HubSpot record, and several. */
  noun: string;
  plural: string;
  /** What QuickBooks calls one record, and several. */
  source: string;
  sources: string;
  /** What a record kept after its deletion is marked as (invoices carry a status, customers and items an active flag). */
  marked: string;
}

export const OBJECT_WORDS: Record<SyncObject, ObjectWords> = {
  contacts: { title: 'Contacts', noun: 'contact', plural: 'contacts', source: 'customer', sources: 'customers', marked: 'inactive' },
  products: {
    title: 'Products',
    noun: 'product',
    plural: 'products',
    source: 'product or service',
    sources: 'products and services',
    marked: 'inactive',
  },
  invoices: { title: 'Invoices', noun: 'invoice', plural: 'invoices', source: 'invoice', sources: 'invoices', marked: 'deleted' },
};

export function onChangeOptions(object: SyncObject): { label: string; value: OnChange }[] {
  const { plural } = OBJECT_WORDS[object];
  return [
    { label: `Create new ${plural} and update existing ones`, value: 'create_and_update' },
    { label: `Only update ${plural} already in HubSpot`, value: 'update_only' },
    { label: 'Do nothing', value: 'nothing' },
  ];
}

export function onDeleteOptions(object: SyncObject): { label: string; value: OnDelete }[] {
  const { noun, marked } = OBJECT_WORDS[object];
  return [
    { label: `Archive the HubSpot ${noun}`, value: 'archive' },
    { label: `Keep the HubSpot ${noun} and mark it ${marked}`, value: 'mark_inactive' },
    { label: `Do nothing: the HubSpot ${noun} stays as it is`, value: 'nothing' },
  ];
}

export const SHAPE_OPTIONS: { label: string; value: Shape }[] = [
  { label: 'Text', value: 'text' },
  { label: 'Number', value: 'number' },
  { label: 'Date', value: 'date' },
  { label: 'Yes/no', value: 'bool' },
];

export const HEALTH_TAGS: Record<HealthState, { variant: StatusTagProps['variant']; label: string }> = {
  ok: { variant: 'success', label: 'Syncing' },
  never_run: { variant: 'default', label: 'Not run yet' },
  reconnect_needed: { variant: 'danger', label: 'Reconnect needed' },
  stuck: { variant: 'danger', label: 'Stuck' },
};

export const OUTCOME_WORDS: Record<Outcome, string> = {
  done: 'completed',
  paused: 'paused at its time limit, continues on the next run',
  stopped: 'stopped',
  failed: 'failed',
};
