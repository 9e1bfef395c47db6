// Client for the workflow-behaviour settings (W4, W5, B4): GET /settings and PUT /settings, both signed by
// hubspot.fetch, and GET /settings/income-accounts?realmId= for the accounts a created item may post to. The same
// body goes both ways:
//   { "createCustomers": true, "unmatchedItem": "fail" | "default_item" | "create_item",
//     "defaultItems": { "<realmId>": "<itemId>" }, "incomeAccounts": { "<realmId>": "<accountId>" } }
import { callApi, isObject, type FetchLike, type RequestOptions } from './api';
import { ConnectionsApiError } from './connections';

export type UnmatchedItem = 'fail' | 'default_item' | 'create_item';

const UNMATCHED: UnmatchedItem[] = ['fail', 'default_item', 'create_item'];

/** A QuickBooks income account (GET /settings/income-accounts). */
export interface IncomeAccount {
  id: string;
  name: string;
}

export interface WorkflowSettings {
  /** W4: create a QuickBooks customer when none matches (off: the action fails with CUSTOMER_NOT_FOUND). */
  createCustomers: boolean;
  /** W5/B4: what a workflow action does with a line item that matches no QuickBooks item. */
  unmatchedItem: UnmatchedItem;
  /** The QuickBooks item used for unmatched lines, per company (realmId → item id). */
  defaultItems: Record<string, string>;
  /** B4: the income account of the items created for unmatched lines, per company (realmId → account id). */
  incomeAccounts: Record<string, string>;
}

export interface WorkflowSettingsApi {
  get(): Promise<WorkflowSettings>;
  save(settings: WorkflowSettings): Promise<WorkflowSettings>;
  /** The company's income accounts, to choose where created items post their sales. */
  incomeAccounts(realmId: string): Promise<IncomeAccount[]>;
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
    incomeAccounts: async (realmId) =>
      (
        await callApi(
          fetch,
          `${url}/income-accounts?realmId=${encodeURIComponent(realmId)}`,
          { method: 'GET' },
          'accounts',
          (body) => parseAccounts(body.accounts) ?? undefined,
          (code, message, status) => new ConnectionsApiError(code, message, status),
        )
      ).value,
  };
}

/** The PUT body: trimmed ids, companies without a default item or an income account left out. */
export function toBody(settings: WorkflowSettings): Record<string, unknown> {
  return {
    createCustomers: settings.createCustomers,
    unmatchedItem: settings.unmatchedItem,
    defaultItems: trimmed(settings.defaultItems),
    incomeAccounts: trimmed(settings.incomeAccounts),
  };
}

function trimmed(ids: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [realmId, id] of Object.entries(ids)) {
    if (id.trim()) out[realmId] = id.trim();
  }
  return out;
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
  if (
    settings.unmatchedItem === 'create_item' &&
    realmIds.length > 0 &&
    realmIds.every((realmId) => !settings.incomeAccounts[realmId]?.trim())
  ) {
    errors.unmatchedItem = 'Choose an income account for at least one company.';
  }
  return errors;
}

function parseSettings(value: unknown): WorkflowSettings | null {
  if (!isObject(value)) return null;
  const { createCustomers, unmatchedItem } = value;
  if (typeof createCustomers !== 'boolean') return null;
  if (!UNMATCHED.includes(unmatchedItem as UnmatchedItem)) return null;
  const defaultItems = idMap(value.defaultItems);
  const incomeAccounts = idMap(value.incomeAccounts);
  if (!defaultItems || !incomeAccounts) return null;
  return { createCustomers, unmatchedItem: unmatchedItem as UnmatchedItem, defaultItems, incomeAccounts };
}

/** realmId → id, absent meaning none; null when malformed. */
function idMap(value: unknown): Record<string, string> | null {
  const map = value === undefined || value === null ? {} : value;
  if (!isObject(map) || !Object.values(map).every((id) => typeof id === 'string')) return null;
  return { ...(map as Record<string, string>) };
}

function parseAccounts(value: unknown): IncomeAccount[] | null {
  if (!Array.isArray(value)) return null;
  const accounts = value.filter(
    (account): account is IncomeAccount => isObject(account) && typeof account.id === 'string' && typeof account.name === 'string',
  );
  return accounts.length === value.length ? accounts.map(({ id, name }) => ({ id, name })) : null;
}
