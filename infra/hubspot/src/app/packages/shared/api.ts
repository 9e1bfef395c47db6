// What every client of our backend shares: one request through a fetch-like function (hubspot.fetch in the
// UI, a fake in tests), and every failure turned into the caller's error type, from the backend's
// `{ "error": { "code", "message" } }` envelope or from what went wrong on the way.

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: Record<string, unknown>;
  /** Milliseconds hubspot.fetch waits for the answer; `callApi` always sets it (see `timeoutFor`). */
  timeout?: number;
}

/**
 * How long hubspot.fetch waits for our backend. Its default is 15 s (it can be raised to 120 s), shorter than a
 * card request may legitimately take: the backend spends up to 20 s of a request waiting out QuickBooks' and
 * HubSpot's rate limits (THROTTLE_BUDGET in functions/invoice-card) before its last call, and its Lambda runs
 * at most 29 s behind API Gateway's 30 s integration limit.
 * - Reads: 22 s, the throttle budget and the last call. A read still unanswered by then has failed, and asking
 *   again is harmless.
 * - Writes: 30 s, as long as API Gateway can still deliver an answer: giving up earlier would leave a create or
 *   a send finishing unseen. The card still recovers from a write that times out (see card.ts).
 */
export const READ_TIMEOUT_MS = 22_000;
export const WRITE_TIMEOUT_MS = 30_000;

export function timeoutFor(method: RequestOptions['method']): number {
  return method === 'GET' ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS;
}

export interface ResponseLike {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export type FetchLike = (url: string, options: RequestOptions) => Promise<ResponseLike>;

/** A failed call: the backend's error code (or `network` / `unexpected_response`) and its message. */
export class ApiError<Code extends string = string> extends Error {
  readonly code: Code;
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;

  constructor(name: string, code: Code, message: string, status: number | null) {
    super(message);
    this.name = name;
    this.code = code;
    this.status = status;
  }
}

/** Builds the caller's error; `status` is null when no response arrived. */
export type ErrorFactory<E extends Error> = (code: string, message: string, status: number | null) => E;

/**
 * Sends one request and returns what `pick` finds in the JSON answer, with the HTTP status. `network` and
 * `unexpected_response` are the codes this function produces itself.
 */
export async function callApi<T, E extends Error>(
  fetch: FetchLike,
  url: string,
  options: RequestOptions,
  field: string,
  pick: (body: Record<string, unknown>) => T | undefined,
  makeError: ErrorFactory<E>,
): Promise<{ value: T; status: number }> {
  let response: ResponseLike;
  try {
    response = await fetch(url, { ...options, timeout: options.timeout ?? timeoutFor(options.method) });
  } catch (error) {
    // hubspot.fetch rejects on timeouts, URLs missing from permittedUrls.fetch and network failures.
    const detail = error instanceof Error ? error.message : String(error);
    throw makeError('network', `Could not reach the integration's API: ${detail}`, null);
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = isObject(body) ? body.error : undefined;
    if (isObject(error) && typeof error.code === 'string' && typeof error.message === 'string') {
      throw makeError(error.code, error.message, response.status);
    }
    // An API Gateway or Lambda runtime failure answers without our error envelope.
    throw makeError('unexpected_response', `The API answered ${response.status} without an error description.`, response.status);
  }
  const value = isObject(body) ? pick(body) : undefined;
  if (value === undefined) {
    throw makeError('unexpected_response', `The API answered ${response.status} without a valid "${field}".`, response.status);
  }
  return { value, status: response.status };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
