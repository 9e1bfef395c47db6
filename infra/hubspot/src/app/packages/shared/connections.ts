// Client for the backend's connections API (features C2, C3, C4, B5). It takes a fetch-like function so
// the UI passes hubspot.fetch (which signs each request and appends portalId) and tests pass a fake.

export type Environment = 'production' | 'sandbox';
export type ConnectionStatus = 'active' | 'reconnect_needed' | 'disconnected';

export interface Company {
  realmId: string;
  name: string;
  environment: Environment;
  status: ConnectionStatus;
  /** ISO-8601 time of the last successful QuickBooks call, or null if there was none yet. */
  lastSuccessAt: string | null;
}

import { ApiError, callApi, isObject, type FetchLike, type RequestOptions } from './api';

export type { FetchLike, RequestOptions, ResponseLike } from './api';

/** Codes the backend sends, plus `network` and `unexpected_response`, which the client produces itself. */
export type ErrorCode =
  | 'unauthorized'
  | 'bad_request'
  | 'not_found'
  | 'unknown_portal'
  | 'upstream'
  | 'conflict'
  | 'invalid_mapping'
  | 'internal'
  | 'network'
  | 'unexpected_response'
  | (string & {});

export class ConnectionsApiError extends ApiError<ErrorCode> {
  constructor(code: ErrorCode, message: string, status: number | null) {
    super('ConnectionsApiError', code, message, status);
  }
}

/** Turns anything caught into a ConnectionsApiError, so the page always has a code and a message to show. */
export function asConnectionsError(caught: unknown): ConnectionsApiError {
  if (caught instanceof ConnectionsApiError) return caught;
  return new ConnectionsApiError('internal', caught instanceof Error ? caught.message : String(caught), null);
}

export interface ConnectionsApi {
  list(): Promise<Company[]>;
  /** A one-time Intuit authorization URL for connecting a new company. */
  connectUrl(environment: Environment): Promise<string>;
  disconnect(realmId: string): Promise<Company>;
  /** A one-time Intuit authorization URL for re-authorizing an existing company. */
  reconnectUrl(realmId: string): Promise<string>;
}

export function createConnectionsApi(baseUrl: string, fetch: FetchLike): ConnectionsApi {
  const root = `${baseUrl.replace(/\/+$/, '')}/connections`;
  const companyUrl = (realmId: string) => `${root}/${encodeURIComponent(realmId)}`;

  const call = async <T>(
    url: string,
    options: RequestOptions,
    field: string,
    pick: (body: Record<string, unknown>) => T | undefined,
  ): Promise<T> =>
    (await callApi(fetch, url, options, field, pick, (code, message, status) => new ConnectionsApiError(code, message, status)))
      .value;

  return {
    list: () =>
      call(root, { method: 'GET' }, 'companies', (body) =>
        Array.isArray(body.companies) && body.companies.every(isCompany) ? body.companies : undefined,
      ),
    connectUrl: (environment) => call(`${root}/connect-url`, { method: 'POST', body: { environment } }, 'url', urlOf),
    disconnect: (realmId) =>
      call(companyUrl(realmId), { method: 'DELETE' }, 'company', (body) =>
        isCompany(body.company) ? body.company : undefined,
      ),
    reconnectUrl: (realmId) => call(`${companyUrl(realmId)}/reconnect`, { method: 'POST' }, 'url', urlOf),
  };
}

// The page turns this into a link the admin opens, so accept only an https URL.
function urlOf(body: Record<string, unknown>): string | undefined {
  return typeof body.url === 'string' && body.url.startsWith('https://') ? body.url : undefined;
}

// Only the fields the page cannot do without are checked: an unknown status still renders (as a grey tag).
function isCompany(value: unknown): value is Company {
  return (
    isObject(value) &&
    typeof value.realmId === 'string' &&
    typeof value.name === 'string' &&
    typeof value.status === 'string' &&
    (value.lastSuccessAt === null || typeof value.lastSuccessAt === 'string')
  );
}
