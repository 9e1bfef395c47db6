// Client for the sync's settings and health API (S1–S4 switches, S6), exactly as written down in
// functions/oauth-callback/SYNC_API.md. Every route takes the company as `realmId` (and some an `object`) in the
// query; hubspot.fetch signs the request and appends portalId. Answers are checked field by field: an answer
// this page does not understand is an `unexpected_response` error, never a guess.
import { callApi, type FetchLike, type RequestOptions } from './api';
import { ConnectionsApiError } from './connections';
import { parseFailurePage, parseFields, parseHealth, parseSettings } from './syncParse';
import { SYNC_OBJECTS, type FailurePage, type SyncFields, type SyncHealth, type SyncObject, type SyncSettings } from './syncTypes';

export * from './syncTypes';

export interface SyncSettingsApi {
  settings(realmId: string): Promise<SyncSettings>;
  /** Saves every object at once, conditional on `settings.version`. */
  save(settings: SyncSettings): Promise<SyncSettings>;
  /** Puts one object's mappings back to the defaults; the answer is the whole stored settings. */
  reset(realmId: string, object: SyncObject): Promise<SyncSettings>;
  fields(realmId: string, object: SyncObject): Promise<SyncFields>;
  resync(realmId: string, object: SyncObject): Promise<void>;
  health(realmId: string): Promise<SyncHealth>;
  failures(realmId: string, object: SyncObject, after?: string): Promise<FailurePage>;
  /** One record, or (without `record`) every failure of the company. */
  retry(realmId: string, record?: { object: SyncObject; qboId: string }): Promise<void>;
}

export function createSyncSettingsApi(baseUrl: string, fetch: FetchLike): SyncSettingsApi {
  const root = `${baseUrl.replace(/\/+$/, '')}/sync`;
  const url = (path: string, query: Record<string, string | undefined>) => {
    const pairs = Object.entries(query).filter((pair): pair is [string, string] => pair[1] !== undefined);
    return `${root}${path}?${pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`;
  };
  const call = async <T>(
    target: string,
    options: RequestOptions,
    field: string,
    pick: (body: Record<string, unknown>) => T | null,
  ): Promise<T> =>
    (
      await callApi(
        fetch,
        target,
        options,
        field,
        (body) => pick(body) ?? undefined,
        (code, message, status) => new ConnectionsApiError(code, message, status),
      )
    ).value;
  // A settings or health answer about another company than the one asked for is as wrong as a garbled one.
  const settingsOf = (realmId: string) => (body: Record<string, unknown>) => {
    const settings = parseSettings(body);
    return settings?.realmId === realmId ? settings : null;
  };
  const queued = async (target: string, body?: Record<string, unknown>) => {
    await call(target, { method: 'POST', body }, 'queued', (answer) => (answer.queued === true ? true : null));
  };

  return {
    settings: (realmId) => call(url('/settings', { realmId }), { method: 'GET' }, 'settings', settingsOf(realmId)),
    save: (settings) =>
      call(
        url('/settings', { realmId: settings.realmId }),
        { method: 'PUT', body: toSaveBody(settings) },
        'settings',
        settingsOf(settings.realmId),
      ),
    reset: (realmId, object) =>
      call(url('/settings/reset', { realmId, object }), { method: 'POST' }, 'settings', settingsOf(realmId)),
    fields: (realmId, object) =>
      call(url('/fields', { realmId, object }), { method: 'GET' }, 'fields', (body) => {
        const fields = parseFields(body);
        return fields?.object === object ? fields : null;
      }),
    resync: (realmId, object) => queued(url('/resync', { realmId, object })),
    health: (realmId) =>
      call(url('/health', { realmId }), { method: 'GET' }, 'health', (body) => {
        const health = parseHealth(body);
        return health?.realmId === realmId ? health : null;
      }),
    failures: (realmId, object, after) =>
      call(url('/failures', { realmId, object, after }), { method: 'GET' }, 'failures', (body) => {
        const page = parseFailurePage(body);
        return page && page.failures.every((failure) => failure.object === object) ? page : null;
      }),
    retry: (realmId, record) => queued(url('/failures/retry', { realmId }), record ? { ...record } : {}),
  };
}

/** The PUT body: the version read and, per object, only what the server accepts (it decides isDefault and locked). */
export function toSaveBody(settings: SyncSettings): Record<string, unknown> {
  const objects: Record<string, unknown> = {};
  for (const object of SYNC_OBJECTS) {
    const { enabled, onChange, onDelete, mappings } = settings.objects[object];
    objects[object] = {
      enabled,
      onChange,
      onDelete,
      mappings: mappings.map(({ sources, target, shape }) => ({ sources, target, shape })),
    };
  }
  return { version: settings.version, objects };
}
