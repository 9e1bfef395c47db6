// A scripted stand-in for hubspot.fetch + the connections API: records every request and answers from
// per-route handlers, so tests assert on exactly what the page sent.
import type { Company, FetchLike, RequestOptions, ResponseLike } from '@hubspot-quickbooks/shared/connections';

export const BASE = 'https://api.example.test';

export interface RecordedRequest {
  method: RequestOptions['method'];
  path: string;
  body?: Record<string, unknown>;
}

type Reply = { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
type Handler = (request: RecordedRequest) => Reply;

export function fakeBackend(routes: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = async (url: string, options: RequestOptions): Promise<ResponseLike> => {
    if (!url.startsWith(BASE)) throw new Error(`request outside the API base URL: ${url}`);
    const request: RecordedRequest = { method: options.method, path: url.slice(BASE.length), body: options.body };
    requests.push(request);
    const handler = routes[`${request.method} ${request.path}`];
    if (!handler) throw new Error(`no route for ${request.method} ${request.path}`);
    return jsonResponse(await handler(request));
  };
  return { fetch, requests };
}

export function jsonResponse({ status, body }: { status: number; body?: unknown }): ResponseLike {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function apiError(status: number, code: string, message: string) {
  return { status, body: { error: { code, message } } };
}

export const ACME: Company = {
  realmId: '9130350000000001',
  name: 'Acme US',
  environment: 'production',
  status: 'active',
  lastSuccessAt: '2026-11-22T10:00:00Z',
};

export const GLOBEX: Company = {
  realmId: '9130350000000002',
  name: 'Globex UK',
  environment: 'production',
  status: 'reconnect_needed',
  lastSuccessAt: '2026-11-20T08:30:00Z',
};

export const SANDBOX: Company = {
  realmId: '9130350000000003',
  name: 'Sandbox Company_US_1',
  environment: 'sandbox',
  status: 'disconnected',
  lastSuccessAt: null,
};
