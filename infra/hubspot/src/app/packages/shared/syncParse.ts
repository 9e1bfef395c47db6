// Checks each answer of the sync API field by field against SYNC_API.md; null (or undefined for a nullable
// value) means the answer is not what the contract says, which the client turns into `unexpected_response`.
import { isObject } from './api';
import {
  HEALTH_STATES,
  ON_CHANGE,
  ON_DELETE,
  OUTCOMES,
  SHAPES,
  SYNC_OBJECTS,
  type Failure,
  type FailurePage,
  type HubSpotProperty,
  type LastRun,
  type Mapping,
  type ObjectHealth,
  type ObjectSettings,
  type SyncFields,
  type SyncHealth,
  type SyncObject,
  type SyncSettings,
} from './syncTypes';

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

export function parseFields(value: Record<string, unknown>): SyncFields | null {
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

export function parseHealth(value: Record<string, unknown>): SyncHealth | null {
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

export function parseFailurePage(value: Record<string, unknown>): FailurePage | null {
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
