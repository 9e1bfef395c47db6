import { describe, expect, it } from 'vitest';
import { ConnectionsApiError, type FetchLike } from '@hubspot-quickbooks/shared/connections';
import { createSyncSettingsApi, toSaveBody } from '@hubspot-quickbooks/shared/syncSettings';
import { ACME, BASE, apiError, fakeBackend } from './fakeBackend';
import { FAILURE_PAGE, FIELDS, HEALTH, Q, SETTINGS } from './syncFixtures';

const ok = (body: unknown) => () => ({ status: 200, body });
const queued = () => ({ status: 202, body: { queued: true } });

async function failureOf(promise: Promise<unknown>): Promise<ConnectionsApiError> {
  const error = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectionsApiError);
  return error as ConnectionsApiError;
}

describe('sync settings client', () => {
  it('reads the settings and saves them with the version read, without the fields the server decides', async () => {
    const backend = fakeBackend({
      [`GET /sync/settings?${Q}`]: ok(SETTINGS),
      [`PUT /sync/settings?${Q}`]: ok({ ...SETTINGS, version: 4 }),
    });
    const api = createSyncSettingsApi(`${BASE}/`, backend.fetch);
    expect(await api.settings(ACME.realmId)).toEqual(SETTINGS);
    expect(await api.save(SETTINGS)).toEqual({ ...SETTINGS, version: 4 });
    const body = backend.requests[1].body as ReturnType<typeof toSaveBody>;
    expect(body).toEqual(toSaveBody(SETTINGS));
    expect(body.version).toBe(3);
    expect((body.objects as Record<string, { mappings: unknown[] }>).contacts.mappings[0]).toEqual({
      sources: ['GivenName', 'DisplayName'],
      target: 'firstname',
      shape: 'text',
    });
    expect(Object.keys(body.objects as object)).toEqual(['contacts', 'products', 'invoices']);
  });

  it('encodes the realm id, the object and the page token in the query', async () => {
    const realmId = 'a b&c=1';
    const encoded = 'a%20b%26c%3D1';
    const backend = fakeBackend({
      [`GET /sync/failures?realmId=${encoded}&object=products&after=x%2By%2F%3D`]: ok({ failures: [], next: null }),
      [`POST /sync/settings/reset?realmId=${encoded}&object=invoices`]: ok({ ...SETTINGS, realmId }),
      [`GET /sync/fields?realmId=${encoded}&object=contacts`]: ok(FIELDS),
      [`POST /sync/resync?realmId=${encoded}&object=products`]: queued,
      [`POST /sync/failures/retry?realmId=${encoded}`]: queued,
      [`GET /sync/health?realmId=${encoded}`]: ok({ ...HEALTH, realmId }),
    });
    const api = createSyncSettingsApi(BASE, backend.fetch);
    expect(await api.failures(realmId, 'products', 'x+y/=')).toEqual({ failures: [], next: null });
    expect((await api.reset(realmId, 'invoices')).realmId).toBe(realmId);
    expect(await api.fields(realmId, 'contacts')).toEqual(FIELDS);
    await api.resync(realmId, 'products');
    await api.retry(realmId, { object: 'contacts', qboId: '58' });
    await api.retry(realmId);
    expect((await api.health(realmId)).state).toBe('ok');
    expect(backend.requests.map((request) => [request.method, request.body])).toEqual([
      ['GET', undefined],
      ['POST', undefined],
      ['GET', undefined],
      ['POST', undefined],
      ['POST', { object: 'contacts', qboId: '58' }],
      ['POST', {}],
      ['GET', undefined],
    ]);
  });

  it('reads health and a failure page, leaving the token out of the first page', async () => {
    const backend = fakeBackend({
      [`GET /sync/health?${Q}`]: ok(HEALTH),
      [`GET /sync/failures?${Q}&object=contacts`]: ok({ ...FAILURE_PAGE, next: 'page-2' }),
    });
    const api = createSyncSettingsApi(BASE, backend.fetch);
    expect(await api.health(ACME.realmId)).toEqual(HEALTH);
    expect(await api.failures(ACME.realmId, 'contacts')).toEqual({ ...FAILURE_PAGE, next: 'page-2' });
  });

  const contacts = SETTINGS.objects.contacts;
  it.each([
    ['settings of another company', `GET /sync/settings?${Q}`, { ...SETTINGS, realmId: 'other' }],
    ['a missing object', `GET /sync/settings?${Q}`, { ...SETTINGS, objects: { contacts, products: contacts } }],
    ['an unknown onDelete', `GET /sync/settings?${Q}`, { ...SETTINGS, objects: { ...SETTINGS.objects, contacts: { ...contacts, onDelete: 'delete' } } }],
    ['a mapping without sources', `GET /sync/settings?${Q}`, { ...SETTINGS, objects: { ...SETTINGS.objects, invoices: { ...contacts, mappings: [{ sources: [], target: 'x', shape: 'text', isDefault: false, locked: false }] } } }],
    ['a negative version', `GET /sync/settings?${Q}`, { ...SETTINGS, version: -1 }],
    ['an unknown health state', `GET /sync/health?${Q}`, { ...HEALTH, state: 'broken' }],
    ['a failed count as text', `GET /sync/health?${Q}`, { ...HEALTH, objects: { ...HEALTH.objects, products: { lastRun: null, cursorAt: null, failedCount: '0' } } }],
    ['fields of another object', `GET /sync/fields?${Q}&object=contacts`, { ...FIELDS, object: 'products' }],
    ['a property without options', `GET /sync/fields?${Q}&object=contacts`, { ...FIELDS, hubspot: [{ ...FIELDS.hubspot[0], options: undefined }] }],
    ['a failure of another object', `GET /sync/failures?${Q}&object=contacts`, { failures: [{ ...FAILURE_PAGE.failures[0], object: 'products' }], next: null }],
    ['a failure page without next', `GET /sync/failures?${Q}&object=contacts`, { failures: [] }],
  ])('refuses %s as unexpected_response', async (_case, route, body) => {
    const api = createSyncSettingsApi(BASE, fakeBackend({ [route]: ok(body) }).fetch);
    const call = route.startsWith('GET /sync/settings')
      ? api.settings(ACME.realmId)
      : route.startsWith('GET /sync/health')
        ? api.health(ACME.realmId)
        : route.startsWith('GET /sync/fields')
          ? api.fields(ACME.realmId, 'contacts')
          : api.failures(ACME.realmId, 'contacts');
    expect((await failureOf(call)).code).toBe('unexpected_response');
  });

  it('refuses a queued answer that does not say queued', async () => {
    const backend = fakeBackend({ [`POST /sync/resync?${Q}&object=contacts`]: () => ({ status: 202, body: {} }) });
    expect((await failureOf(createSyncSettingsApi(BASE, backend.fetch).resync(ACME.realmId, 'contacts'))).code).toBe('unexpected_response');
  });

  it.each([
    [409, 'conflict', 'The settings changed since you read them.'],
    [400, 'invalid_mapping', 'contacts mapping 3 (→ "foo"): HubSpot has no contact property "foo"'],
    [404, 'not_found', 'That company is not connected.'],
  ])("passes a %i %s on with the backend's message", async (status, code, message) => {
    const backend = fakeBackend({ [`PUT /sync/settings?${Q}`]: () => apiError(status, code, message) });
    const error = await failureOf(createSyncSettingsApi(BASE, backend.fetch).save(SETTINGS));
    expect([error.code, error.message, error.status]).toEqual([code, message, status]);
  });

  it('turns a failed fetch into a network error', async () => {
    const down: FetchLike = async () => {
      throw new Error('timeout');
    };
    expect((await failureOf(createSyncSettingsApi(BASE, down).health(ACME.realmId))).code).toBe('network');
  });
});
