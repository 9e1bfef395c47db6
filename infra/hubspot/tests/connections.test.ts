import { describe, expect, it } from 'vitest';
import { ConnectionsApiError, createConnectionsApi, type FetchLike } from '@hubspot-quickbooks/shared/connections';
import { ACME, BASE, GLOBEX, apiError, fakeBackend, jsonResponse } from './fakeBackend';

const CONNECT_URL = 'https://appcenter.intuit.com/connect/oauth2?client_id=abc&state=xyz';

async function failureOf(promise: Promise<unknown>): Promise<ConnectionsApiError> {
  const error = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectionsApiError);
  return error as ConnectionsApiError;
}

describe('connections API client', () => {
  it('lists companies with GET /connections and no body', async () => {
    const backend = fakeBackend({ 'GET /connections': () => ({ status: 200, body: { companies: [ACME, GLOBEX] } }) });
    const companies = await createConnectionsApi(BASE, backend.fetch).list();
    expect(companies).toEqual([ACME, GLOBEX]);
    expect(backend.requests).toEqual([{ method: 'GET', path: '/connections', body: undefined }]);
  });

  it('accepts a base URL with a trailing slash', async () => {
    const backend = fakeBackend({ 'GET /connections': () => ({ status: 200, body: { companies: [] } }) });
    await createConnectionsApi(`${BASE}/`, backend.fetch).list();
    expect(backend.requests[0].path).toBe('/connections');
  });

  it.each(['production', 'sandbox'] as const)('asks for a %s connect URL with POST /connections/connect-url', async (environment) => {
    const backend = fakeBackend({ 'POST /connections/connect-url': () => ({ status: 200, body: { url: CONNECT_URL } }) });
    const url = await createConnectionsApi(BASE, backend.fetch).connectUrl(environment);
    expect(url).toBe(CONNECT_URL);
    expect(backend.requests).toEqual([{ method: 'POST', path: '/connections/connect-url', body: { environment } }]);
  });

  it('disconnects with DELETE /connections/{realmId} and returns the updated company', async () => {
    const disconnected = { ...ACME, status: 'disconnected' };
    const backend = fakeBackend({
      [`DELETE /connections/${ACME.realmId}`]: () => ({ status: 200, body: { company: disconnected } }),
    });
    const company = await createConnectionsApi(BASE, backend.fetch).disconnect(ACME.realmId);
    expect(company).toEqual(disconnected);
    expect(backend.requests).toEqual([{ method: 'DELETE', path: `/connections/${ACME.realmId}`, body: undefined }]);
  });

  it('asks for a reconnect URL with POST /connections/{realmId}/reconnect', async () => {
    const backend = fakeBackend({
      [`POST /connections/${GLOBEX.realmId}/reconnect`]: () => ({ status: 200, body: { url: CONNECT_URL } }),
    });
    const url = await createConnectionsApi(BASE, backend.fetch).reconnectUrl(GLOBEX.realmId);
    expect(url).toBe(CONNECT_URL);
    expect(backend.requests).toEqual([{ method: 'POST', path: `/connections/${GLOBEX.realmId}/reconnect`, body: undefined }]);
  });

  it('escapes the realmId in paths', async () => {
    const backend = fakeBackend({ 'DELETE /connections/a%2Fb%3Fc': () => ({ status: 200, body: { company: ACME } }) });
    await createConnectionsApi(BASE, backend.fetch).disconnect('a/b?c');
    expect(backend.requests[0].path).toBe('/connections/a%2Fb%3Fc');
  });

  it.each([
    [401, 'unauthorized', 'The request signature is invalid.'],
    [400, 'bad_request', 'environment must be production or sandbox'],
    [404, 'not_found', 'No QuickBooks company 42 for this account.'],
    [404, 'unknown_portal', 'HubSpot account 123 has not installed the app.'],
    [502, 'upstream', 'Intuit did not answer.'],
    [500, 'internal', 'Something broke; see the logs.'],
  ])('turns a %i %s answer into an error with its code and message', async (status, code, message) => {
    const backend = fakeBackend({ 'GET /connections': () => apiError(status, code, message) });
    const error = await failureOf(createConnectionsApi(BASE, backend.fetch).list());
    expect({ code: error.code, message: error.message, status: error.status }).toEqual({ code, message, status });
  });

  it('reports an error answer without our envelope as unexpected_response with its status', async () => {
    const fetch: FetchLike = async () => new Response('<html>Bad Gateway</html>', { status: 502 });
    const error = await failureOf(createConnectionsApi(BASE, fetch).list());
    expect(error.code).toBe('unexpected_response');
    expect(error.status).toBe(502);
    expect(error.message).toContain('502');
  });

  it('reports a rejected fetch (timeout, URL not permitted) as a network error', async () => {
    const fetch: FetchLike = async () => {
      throw new Error('Request timed out');
    };
    const error = await failureOf(createConnectionsApi(BASE, fetch).connectUrl('production'));
    expect(error.code).toBe('network');
    expect(error.status).toBeNull();
    expect(error.message).toContain('Request timed out');
  });

  it.each([
    ['a list without companies', 'GET /connections', { companies: 'none' }],
    ['a company without a realmId', 'GET /connections', { companies: [{ name: 'Acme' }] }],
    ['a connect answer without a url', 'POST /connections/connect-url', {}],
    ['a connect URL that is not https', 'POST /connections/connect-url', { url: 'javascript:alert(1)' }],
  ])('rejects %s as unexpected_response', async (_case, route, body) => {
    const backend = fakeBackend({ [route]: () => ({ status: 200, body }) });
    const api = createConnectionsApi(BASE, backend.fetch);
    const call = route.startsWith('GET') ? api.list() : api.connectUrl('production');
    const error = await failureOf(call);
    expect(error.code).toBe('unexpected_response');
  });

  it('does not treat a 2xx answer without JSON as success', async () => {
    const error = await failureOf(createConnectionsApi(BASE, async () => jsonResponse({ status: 200 })).list());
    expect(error.code).toBe('unexpected_response');
  });
});
