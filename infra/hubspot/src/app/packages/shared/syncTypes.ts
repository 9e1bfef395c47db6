// The sync API's vocabulary (functions/oauth-callback/SYNC_API.md): its objects, enums and answers, as typed values.

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
