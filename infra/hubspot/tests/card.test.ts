import { describe, expect, it } from 'vitest';
import { READ_TIMEOUT_MS, WRITE_TIMEOUT_MS } from '@hubspot-quickbooks/shared/api';
import { CardApiError, WRITE_ATTEMPTS, createCardApi, objectTypeFromId, type CreateDocumentBody } from '@hubspot-quickbooks/shared/card';
import type { FetchLike } from '@hubspot-quickbooks/shared/connections';
import { jsonResponse } from './fakeBackend';
import { BASE, CONSULTING, DEAD, US, apiError, doc, fakeCardBackend, ok, usDraft } from './fakeCardBackend';

async function failureOf(promise: Promise<unknown>): Promise<CardApiError> {
  const error = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CardApiError);
  return error as CardApiError;
}

const CREATE: CreateDocumentBody = {
  idempotencyKey: '0b7c2f1e-1111-4222-8333-444455556666',
  realmId: US.realmId,
  objectType: 'deals',
  objectId: '401',
  type: 'invoice',
  customer: { id: '58' },
  lines: [{ itemId: '1', quantity: '2', unitPrice: '150.00' }],
};

describe('card API client', () => {
  it('maps HubSpot object type ids to the card API object types', () => {
    expect(['0-1', '0-2', '0-3', '0-5'].map(objectTypeFromId)).toEqual(['contacts', 'companies', 'deals', null]);
  });

  it("loads a record's companies, documents and notices", async () => {
    const notices = [`Showing saved figures for ${DEAD.name}: QuickBooks needs to be reconnected`];
    const backend = fakeCardBackend({ 'GET /card/records/deals/401': ok({ companies: [US, DEAD], documents: [doc()], notices }) });
    const view = await createCardApi(`${BASE}/`, backend.fetch).record('deals', '401');
    expect(view).toEqual({ companies: [US, DEAD], documents: [doc()], notices });
    expect(backend.requests).toEqual([{ method: 'GET', path: '/card/records/deals/401', query: {}, body: undefined }]);
  });

  it('lists companies', async () => {
    const backend = fakeCardBackend({ 'GET /card/companies': ok({ companies: [US] }) });
    expect(await createCardApi(BASE, backend.fetch).companies()).toEqual([US]);
  });

  it('asks for a draft from the deal or from a quote', async () => {
    const backend = fakeCardBackend({ 'GET /card/draft': ok(usDraft()) });
    const api = createCardApi(BASE, backend.fetch);
    expect(await api.draft(US.realmId, 'deals', '401', { source: 'deal' })).toEqual(usDraft());
    await api.draft(US.realmId, 'deals', '401', { source: 'quote', quoteId: '601' });
    expect(backend.requests.map((request) => request.query)).toEqual([
      { realmId: US.realmId, objectType: 'deals', objectId: '401', source: 'deal' },
      { realmId: US.realmId, objectType: 'deals', objectId: '401', source: 'quote', quoteId: '601' },
    ]);
  });

  it('searches customers and items, escaping the query', async () => {
    const backend = fakeCardBackend({
      'GET /card/customers': ok({ customers: [{ id: '58', displayName: 'Acme & Sons', email: null, currency: 'USD' }] }),
      'GET /card/items': ok({ items: [CONSULTING] }),
    });
    const api = createCardApi(BASE, backend.fetch);
    expect(await api.customers(US.realmId, 'acme & sons?')).toHaveLength(1);
    expect(await api.items(US.realmId, '')).toEqual([CONSULTING]);
    expect(backend.requests.map((request) => request.query)).toEqual([
      { realmId: US.realmId, q: 'acme & sons?' },
      { realmId: US.realmId, q: '' },
    ]);
  });

  it('creates a document and tells a first create (201) from a repeat of the same key (200)', async () => {
    let calls = 0;
    const backend = fakeCardBackend({
      'POST /card/documents': () => ({ status: ++calls === 1 ? 201 : 200, body: { document: doc() } }),
    });
    const api = createCardApi(BASE, backend.fetch);
    expect(await api.createDocument(CREATE)).toEqual({ document: doc(), created: true });
    expect(await api.createDocument(CREATE)).toEqual({ document: doc(), created: false });
    expect(backend.requests.map((request) => request.body)).toEqual([CREATE, CREATE]);
  });

  it('sends an invoice, with sendTo only when given', async () => {
    const backend = fakeCardBackend({ 'POST /card/documents/send': ok({ document: doc({ status: 'sent' }) }) });
    const api = createCardApi(BASE, backend.fetch);
    expect((await api.send(US.realmId, '130')).status).toBe('sent');
    await api.send(US.realmId, '130', 'ap@acme.example');
    const [first, second] = backend.requests.map((request) => request.body);
    expect(first).toEqual({ realmId: US.realmId, id: '130', idempotencyKey: expect.any(String) });
    expect(second).toEqual({ realmId: US.realmId, id: '130', sendTo: 'ap@acme.example', idempotencyKey: expect.any(String) });
    expect(first?.idempotencyKey, 'a second click is a second send').not.toBe(second?.idempotencyKey);
  });

  it('gives every call a deliberate timeout: reads 22 s, writes 30 s (hubspot.fetch would use 15 s)', async () => {
    const seen: [string, number | undefined][] = [];
    const recording: FetchLike = async (url, options) => {
      seen.push([`${options.method} ${new URL(url).pathname}`, options.timeout]);
      return jsonResponse({ status: 200, body: { companies: [], document: doc() } });
    };
    const api = createCardApi(BASE, recording);
    await api.companies();
    await api.createDocument(CREATE);
    await api.send(US.realmId, '130');
    expect(seen).toEqual([
      ['GET /card/companies', READ_TIMEOUT_MS],
      ['POST /card/documents', WRITE_TIMEOUT_MS],
      ['POST /card/documents/send', WRITE_TIMEOUT_MS],
    ]);
    expect([READ_TIMEOUT_MS, WRITE_TIMEOUT_MS]).toEqual([22_000, 30_000]);
  });

  describe('after a create or a send whose answer was lost', () => {
    /**
     * The backend as it behaves: one document per idempotency key (a repeat gets it back with 200), and
     * hubspot.fetch giving up on the first `timeouts` calls after the backend did the work.
     */
    function slowBackend(timeouts: number, busyAfterTimeout = 0) {
      const made = new Map<string, string>();
      const sends = new Map<string, number>();
      const keys: unknown[] = [];
      let calls = 0;
      let busy = busyAfterTimeout;
      const fetch: FetchLike = async (url, options) => {
        calls++;
        const key = String(options.body?.idempotencyKey);
        keys.push(options.body?.idempotencyKey);
        if (calls > timeouts && busy > 0) {
          busy--;
          return jsonResponse(apiError(503, 'busy', 'this document is still being created; try again in a few seconds'));
        }
        let answer;
        if (new URL(url).pathname === '/card/documents/send') {
          sends.set(key, (sends.get(key) ?? 0) + 1);
          answer = { status: 200, body: { document: doc({ status: 'sent' }) } };
        } else {
          const repeat = made.has(key);
          if (!repeat) made.set(key, String(130 + made.size));
          answer = { status: repeat ? 200 : 201, body: { document: doc({ id: made.get(key) }) } };
        }
        if (calls <= timeouts) throw new Error('Request timed out after 30000ms');
        return jsonResponse(answer);
      };
      return { fetch, made, sends, keys, calls: () => calls };
    }

    it('asks again with the same idempotency key and gets the single document', async () => {
      const backend = slowBackend(1);
      const { document } = await createCardApi(BASE, backend.fetch, { recoveryDelayMs: 0 }).createDocument(CREATE);
      expect(backend.keys).toEqual([CREATE.idempotencyKey, CREATE.idempotencyKey]);
      expect(backend.made.size, 'one document').toBe(1);
      expect(document.id).toBe(backend.made.get(CREATE.idempotencyKey));
    });

    it('waits while the first attempt is still running, then gets its document', async () => {
      const backend = slowBackend(1, 2);
      const { document } = await createCardApi(BASE, backend.fetch, { recoveryDelayMs: 0 }).createDocument(CREATE);
      expect(backend.calls()).toBe(4);
      expect(new Set(backend.keys)).toEqual(new Set([CREATE.idempotencyKey]));
      expect([backend.made.size, document.id]).toEqual([1, '130']);
    });

    it('gives up after a bounded number of attempts with the network error', async () => {
      const backend = slowBackend(10);
      const error = await failureOf(createCardApi(BASE, backend.fetch, { recoveryDelayMs: 0 }).createDocument(CREATE));
      expect([error.code, backend.calls()]).toEqual(['network', WRITE_ATTEMPTS]);
      expect(backend.made.size, 'still one document').toBe(1);
    });

    it('sends again under the same key, which the backend answers as the one send', async () => {
      const backend = slowBackend(1);
      const sent = await createCardApi(BASE, backend.fetch, { recoveryDelayMs: 0 }).send(US.realmId, '130');
      expect(sent.status).toBe('sent');
      expect(backend.keys).toHaveLength(2);
      expect(backend.keys[0]).toBe(backend.keys[1]);
      expect([...backend.sends.keys()]).toEqual([backend.keys[0]]);
    });

    it('does not repeat a write the backend refused', async () => {
      let calls = 0;
      const refusing: FetchLike = async () => {
        calls++;
        return jsonResponse(apiError(422, 'rejected', 'QuickBooks: the customer is inactive.'));
      };
      expect((await failureOf(createCardApi(BASE, refusing).createDocument(CREATE))).code).toBe('rejected');
      expect(calls).toBe(1);
    });
  });

  it('searches invoices with only the filters that are set', async () => {
    const backend = fakeCardBackend({ 'GET /card/invoices/search': ok({ invoices: [doc()] }) });
    const api = createCardApi(BASE, backend.fetch);
    await api.searchInvoices(US.realmId, { number: ' 1001 ', customer: '', from: '2026-11-01' });
    expect(backend.requests[0].query).toEqual({ realmId: US.realmId, number: '1001', from: '2026-11-01' });
  });

  it("links documents and returns the record's full list, with its notices", async () => {
    const notices = ['The deal was not fully updated from QuickBooks (HubSpot is busy); it will be on the next refresh'];
    const backend = fakeCardBackend({ 'POST /card/links': ok({ companies: [US], documents: [doc(), doc({ id: '131' })], notices }) });
    const { documents, ...rest } = await createCardApi(BASE, backend.fetch).link(US.realmId, 'contacts', '51', [{ type: 'invoice', id: '131' }]);
    expect(documents).toHaveLength(2);
    expect(rest).toEqual({ companies: [US], notices });
    expect(backend.requests[0].body).toEqual({
      realmId: US.realmId,
      objectType: 'contacts',
      objectId: '51',
      documents: [{ type: 'invoice', id: '131' }],
    });
  });

  it('gets a preview link, accepting only https', async () => {
    const url = 'https://api.example.test/card/pdf?t=abc';
    const backend = fakeCardBackend({ 'GET /card/preview': ok({ url }) });
    expect(await createCardApi(BASE, backend.fetch).preview(US.realmId, 'estimate', '77')).toBe(url);
    expect(backend.requests[0].query).toEqual({ realmId: US.realmId, type: 'estimate', id: '77' });

    const bad = fakeCardBackend({ 'GET /card/preview': ok({ url: 'javascript:alert(1)' }) });
    expect((await failureOf(createCardApi(BASE, bad.fetch).preview(US.realmId, 'invoice', '1'))).code).toBe('unexpected_response');
  });

  it.each([
    [409, 'reconnect_needed', 'Reconnect Sandbox US in the app settings.'],
    [422, 'tax_code_required', 'Line 1 needs a tax code.'],
    [422, 'customer_missing_email', 'Acme Ltd has no e-mail address.'],
    [409, 'duplicate_doc_number', 'Number MC-0008 is already used.'],
    [429, 'throttled', 'QuickBooks is throttling this company.'],
    [503, 'busy', 'The same create is still running.'],
    [422, 'rejected', 'QuickBooks: the customer is inactive.'],
  ])('turns a %i %s answer into an error with its code and message', async (status, code, message) => {
    const backend = fakeCardBackend({ 'POST /card/documents': () => apiError(status, code, message) });
    const error = await failureOf(createCardApi(BASE, backend.fetch).createDocument(CREATE));
    expect({ code: error.code, message: error.message, status: error.status }).toEqual({ code, message, status });
  });

  it('reports a rejected fetch as a network error and an answer without our envelope as unexpected', async () => {
    const down: FetchLike = async () => {
      throw new Error('Request timed out');
    };
    const network = await failureOf(createCardApi(BASE, down).companies());
    expect([network.code, network.status]).toEqual(['network', null]);
    expect(network.message).toContain('Request timed out');

    const gateway: FetchLike = async () => new Response('<html>Bad Gateway</html>', { status: 502 });
    expect((await failureOf(createCardApi(BASE, gateway).companies())).code).toBe('unexpected_response');
    const empty: FetchLike = async () => jsonResponse({ status: 200 });
    expect((await failureOf(createCardApi(BASE, empty).companies())).code).toBe('unexpected_response');
  });

  it.each([
    ['a record without documents', 'GET /card/records/deals/401', { companies: [], notices: [] }],
    ['a record without notices', 'GET /card/records/deals/401', { companies: [], documents: [] }],
    ['a notice that is not text', 'GET /card/records/deals/401', { companies: [], documents: [], notices: [{ text: 'stale' }] }],
    ['a document without an id', 'GET /card/records/deals/401', { companies: [], documents: [{ ...doc(), id: 130 }] }],
  ])('rejects %s as unexpected_response', async (_case, route, body) => {
    const backend = fakeCardBackend({ [route]: ok(body) });
    expect((await failureOf(createCardApi(BASE, backend.fetch).record('deals', '401'))).code).toBe('unexpected_response');
  });

  it('rejects a malformed draft', async () => {
    const backend = fakeCardBackend({ 'GET /card/draft': ok({ ...usDraft(), lines: [{ quantity: 2 }] }) });
    const error = await failureOf(createCardApi(BASE, backend.fetch).draft(US.realmId, 'deals', '1', { source: 'deal' }));
    expect(error.code).toBe('unexpected_response');
  });

  it('escapes ids in paths', async () => {
    const backend = fakeCardBackend({ 'GET /card/records/deals/a%2Fb': ok({ companies: [], documents: [], notices: [] }) });
    await createCardApi(BASE, backend.fetch).record('deals', 'a/b');
    expect(backend.requests[0].path).toBe('/card/records/deals/a%2Fb');
  });
});
