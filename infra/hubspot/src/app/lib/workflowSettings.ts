// Client for the workflow-behaviour settings (W4, W5, B4): GET /settings and PUT /settings, both signed by
// hubspot.fetch. The same body goes both ways:
//   { "createCustomers": true, "unmatchedItem": "fail" | "default_item", "defaultItems": { "<realmId>": "<itemId>" } }
import { callApi, isObject, type FetchLike, type RequestOptions } from './api';
import { ConnectionsApiError } from './connections';

export type UnmatchedItem = 'fail' | 'default_item';

export interface WorkflowSettings {
  /** W4: create a QuickBooks customer when none matches (off: the action fails with CUSTOMER_NOT_FOUND). */
  createCustomers: boolean;
  /** W5/B4: what a workflow action does with a line item that matches no QuickBooks item. */
  unmatchedItem: UnmatchedItem;
  /** The QuickBooks item used for unmatched lines, per company (realmId → item id). */
  defaultItems: Record<string, string>;
}

export interface WorkflowSettingsApi {
  get(): Promise<WorkflowSettings>;
  save(settings: WorkflowSettings): Promise<WorkflowSettings>;
}

export function createWorkflowSettingsApi(baseUrl: string, fetch: FetchLike): WorkflowSettingsApi {
  const url = `${baseUrl.replace(/\/+$/, '')}/settings`;

  // The settings object itself, or wrapped as { settings: … }.
  const call = async (options: RequestOptions): Promise<WorkflowSettings> =>
    (
      await callApi(
        fetch,
        url,
        options,
        'settings',
        (body) => parseSettings(isObject(body.settings) ? body.settings : body) ?? undefined,
        (code, message, status) => new ConnectionsApiError(code, message, status),
      )
    ).value;

  return {
    get: () => call({ method: 'GET' }),
    save: (settings) => call({ method: 'PUT', body: toBody(settings) }),
  };
}

/** The PUT body: trimmed item ids, companies without a default item left out. */
export function toBody(settings: WorkflowSettings): Record<string, unknown> {
  const defaultItems: Record<string, string> = {};
  for (const [realmId, itemId] of Object.entries(settings.defaultItems)) {
    if (itemId.trim()) defaultItems[realmId] = itemId.trim();
  }
  return { createCustomers: settings.createCustomers, unmatchedItem: settings.unmatchedItem, defaultItems };
}

/**
 * What the admin must fix before saving, keyed by field (`defaultItems.<realmId>`, `unmatchedItem`); empty when
 * valid. A company without a default item is allowed (its unmatched lines fail); none at all is not, with
 * "use a default item" on.
 */
export function validateSettings(settings: WorkflowSettings, realmIds: string[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [realmId, itemId] of Object.entries(settings.defaultItems)) {
    if (itemId.trim() && !/^\d+$/.test(itemId.trim())) {
      errors[`defaultItems.${realmId}`] = 'A QuickBooks item id is a number, e.g. 17.';
    }
  }
  if (
    settings.unmatchedItem === 'default_item' &&
    realmIds.length > 0 &&
    realmIds.every((realmId) => !settings.defaultItems[realmId]?.trim())
  ) {
    errors.unmatchedItem = 'Enter a default item id for at least one company.';
  }
  return errors;
}

function parseSettings(value: unknown): WorkflowSettings | null {
  if (!isObject(value)) return null;
  const { createCustomers, unmatchedItem, defaultItems } = value;
  if (typeof createCustomers !== 'boolean') return null;
  if (unmatchedItem !== 'fail' && unmatchedItem !== 'default_item') return null;
  const items = defaultItems === undefined || defaultItems === null ? {} : defaultItems;
  if (!isObject(items) || !Object.values(items).every((item) => typeof item === 'string')) return null;
  return { createCustomers, unmatchedItem, defaultItems: { ...(items as Record<string, string>) } };
}
