// Client for the sync's settings and health API (S1–S4 switches, S6), exactly as written down in
// functions/oauth-callback/SYNC_API.md. Every route takes the company as `realmId` (and some an `object`) in the
// query; hubspot.fetch signs the request and appends portalId. Answers are checked field by field: an answer
// this page does not understand is an `unexpected_response` error, never a guess.
import { callApi, isObject, type FetchLike, type RequestOptions } from './api';
import { ConnectionsApiError } from './connections';

export const SYNC_OBJECTS = ['contacts', 'products', 'invoices'] as const;
export type SyncObject = (typeof SYNC_OBJECTS)[number];

export const ON_CHANGE = ['create_and_update', 'update_only', 'nothing'] as const;
export type OnChange = (typeof ON_CHANGE)[number];

export const ON_DELETE = ['archive', 'mark_inactive', 'nothing'] as const;
export type OnDelete = (typeof ON_DELETE)[number];

export const SHAPES = ['text', 'number', 'date', 'bool'] as const;
export type Shape = (typeof SHAPES)[number];

export interface Mapping {
  /** QuickBooks field paths, e.g. ["GivenName", "DisplayName"]. */
  sources: string[];
  /** The HubSpot property written. */
  target: string;
  shape: Shape;
  /** One of the defaults, unchanged (the server decides). */
  isDefault: boolean;
  /** The sync needs it: shown, never edited or deleted (the server decides). */
  locked: boolean;
}

export interface ObjectSettings {
  enabled: boolean;
  onChange: OnChange;
  onDelete: OnDelete;
  mappings: Mapping[];
}

export interface SyncSettings {
  realmId: string;
  /** 0 until an admin first saves; a save must send the version it read (409 `conflict` otherwise). */
  version: number;
  objects: Record<SyncObject, ObjectSettings>;
}

export interface QuickBooksField {
  path: string;
  label: string;
  shape: Shape;
}

export interface HubSpotProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  readOnly: boolean;
  options: { value: string; label: string }[];
}

export interface SyncFields {
  object: SyncObject;
  quickbooks: QuickBooksField[];
  hubspot: HubSpotProperty[];
}

export const HEALTH_STATES = ['ok', 'never_run', 'reconnect_needed', 'stuck'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const OUTCOMES = ['done', 'paused', 'stopped', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface LastRun {
  startedAt: string;
  finishedAt: string | null;
  read: number;
  written: number;
  failed: number;
  outcome: Outcome;
  message: string | null;
}

export interface ObjectHealth {
  /** Null before the first run. */
  lastRun: LastRun | null;
  /** Null before the first full read. */
  cursorAt: string | null;
  failedCount: number;
}

export interface SyncHealth {
  realmId: string;
  state: HealthState;
  /** Why the state is not `ok`. */
  message: string | null;
  objects: Record<SyncObject, ObjectHealth>;
}

export interface Failure {
  object: SyncObject;
  qboId: string;
  hubspotId: string | null;
  name: string | null;
  reason: string;
  failedAt: string;
  expiresAt: string;
}

export interface FailurePage {
  failures: Failure[];
  /** The token of the following page, or null on the last one. */
  next: string | null;
}

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

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    values.includes(value as T);
const isShape = oneOf(SHAPES);
const isString = (value: unknown): value is string => typeof value === 'string';
const isStringOrNull = (value: unknown): value is string | null => value === null || isString(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Parses each of `value`'s items, or null if it is not an array or any item does not parse. */
function listOf<T>(value: unknown, parse: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(value)) return null;
  const items = value.map(parse);
  return items.every((item): item is T => item !== null) ? items : null;
}

/** One parsed value per object, or null if any object is missing or does not parse. */
function perObject<T>(value: unknown, parse: (item: unknown) => T | null): Record<SyncObject, T> | null {
  if (!isObject(value)) return null;
  const parsed = SYNC_OBJECTS.map((object) => parse(value[object]));
  if (!parsed.every((item): item is T => item !== null)) return null;
  return { contacts: parsed[0], products: parsed[1], invoices: parsed[2] };
}

export function parseSettings(value: unknown): SyncSettings | null {
  if (!isObject(value) || !isString(value.realmId) || !isCount(value.version)) return null;
  const objects = perObject(value.objects, parseObjectSettings);
  return objects && { realmId: value.realmId, version: value.version, objects };
}

function parseObjectSettings(value: unknown): ObjectSettings | null {
  if (!isObject(value) || typeof value.enabled !== 'boolean') return null;
  const { enabled, onChange, onDelete } = value;
  if (!oneOf(ON_CHANGE)(onChange) || !oneOf(ON_DELETE)(onDelete)) return null;
  const mappings = listOf(value.mappings, parseMapping);
  return mappings && { enabled, onChange, onDelete, mappings };
}

function parseMapping(value: unknown): Mapping | null {
  if (!isObject(value)) return null;
  const { sources, target, shape, isDefault, locked } = value;
  if (!Array.isArray(sources) || sources.length === 0 || !sources.every(isString)) return null;
  if (!isString(target) || !isShape(shape) || typeof isDefault !== 'boolean' || typeof locked !== 'boolean') return null;
  return { sources: [...sources], target, shape, isDefault, locked };
}

function parseFields(value: Record<string, unknown>): SyncFields | null {
  if (!oneOf(SYNC_OBJECTS)(value.object)) return null;
  const quickbooks = listOf(value.quickbooks, (field) =>
    isObject(field) && isString(field.path) && isString(field.label) && isShape(field.shape)
      ? { path: field.path, label: field.label, shape: field.shape }
      : null,
  );
  const hubspot = listOf(value.hubspot, parseProperty);
  return quickbooks && hubspot && { object: value.object, quickbooks, hubspot };
}

function parseProperty(value: unknown): HubSpotProperty | null {
  if (!isObject(value)) return null;
  const { name, label, type, fieldType, readOnly } = value;
  if (!isString(name) || !isString(label) || !isString(type) || !isString(fieldType) || typeof readOnly !== 'boolean') return null;
  const options = listOf(value.options, (option) =>
    isObject(option) && isString(option.value) && isString(option.label) ? { value: option.value, label: option.label } : null,
  );
  return options && { name, label, type, fieldType, readOnly, options };
}

function parseHealth(value: Record<string, unknown>): SyncHealth | null {
  const { realmId, state, message } = value;
  if (!isString(realmId) || !oneOf(HEALTH_STATES)(state) || !isStringOrNull(message)) return null;
  const objects = perObject(value.objects, parseObjectHealth);
  return objects && { realmId, state, message, objects };
}

function parseObjectHealth(value: unknown): ObjectHealth | null {
  if (!isObject(value) || !isStringOrNull(value.cursorAt) || !isCount(value.failedCount)) return null;
  const lastRun = value.lastRun === null ? null : parseLastRun(value.lastRun);
  if (lastRun === undefined) return null;
  return { lastRun, cursorAt: value.cursorAt, failedCount: value.failedCount };
}

/** undefined when malformed (null is a valid "no run yet", handled by the caller). */
function parseLastRun(value: unknown): LastRun | undefined {
  if (!isObject(value)) return undefined;
  const { startedAt, finishedAt, read, written, failed, outcome, message } = value;
  if (!isString(startedAt) || !isStringOrNull(finishedAt) || !isStringOrNull(message)) return undefined;
  if (!isCount(read) || !isCount(written) || !isCount(failed) || !oneOf(OUTCOMES)(outcome)) return undefined;
  return { startedAt, finishedAt, read, written, failed, outcome, message };
}

function parseFailurePage(value: Record<string, unknown>): FailurePage | null {
  if (!isStringOrNull(value.next)) return null;
  const failures = listOf(value.failures, parseFailure);
  return failures && { failures, next: value.next };
}

function parseFailure(value: unknown): Failure | null {
  if (!isObject(value)) return null;
  const { object, qboId, hubspotId, name, reason, failedAt, expiresAt } = value;
  if (!oneOf(SYNC_OBJECTS)(object) || !isString(qboId) || !isStringOrNull(hubspotId) || !isStringOrNull(name)) return null;
  if (!isString(reason) || !isString(failedAt) || !isString(expiresAt)) return null;
  return { object, qboId, hubspotId, name, reason, failedAt, expiresAt };
}
