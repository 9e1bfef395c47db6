// A scripted stand-in for hubspot.fetch + the invoice-card API: routes on "METHOD /path" (query string apart),
// records every request with its parsed query, so tests assert on exactly what the card sent.
import type { CardCompany, Draft, QboDocument } from '@hubspot-quickbooks/shared/card';
import type { FetchLike, RequestOptions, ResponseLike } from '@hubspot-quickbooks/shared/connections';
import { BASE, jsonResponse } from './fakeBackend';

export { BASE, apiError } from './fakeBackend';

export interface CardRequest {
  method: RequestOptions['method'];
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

type Reply = { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
export type CardHandler = (request: CardRequest) => Reply;

export function fakeCardBackend(routes: Record<string, CardHandler>) {
  const requests: CardRequest[] = [];
  const fetch: FetchLike = async (url: string, options: RequestOptions): Promise<ResponseLike> => {
    if (!url.startsWith(BASE)) throw new Error(`request outside the API base URL: ${url}`);
    const parsed = new URL(url);
    const request: CardRequest = {
      method: options.method,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      body: options.body,
    };
    requests.push(request);
    const handler = routes[`${request.method} ${request.path}`];
    if (!handler) throw new Error(`no route for ${request.method} ${request.path}`);
    return jsonResponse(await handler(request));
  };
  return { fetch, requests };
}

export const ok = (body: unknown) => () => ({ status: 200, body });

export const US: CardCompany = {
  realmId: '9130357766900011',
  name: 'Sandbox US',
  environment: 'sandbox',
  status: 'active',
  lastSuccessAt: '2026-11-22T10:00:00Z',
};

export const UK: CardCompany = {
  realmId: '9130357766900022',
  name: 'Acme UK',
  environment: 'production',
  status: 'active',
  lastSuccessAt: '2026-11-22T10:00:00Z',
};

export const DEAD: CardCompany = {
  realmId: '9130357766900033',
  name: 'Old Books Ltd',
  environment: 'production',
  status: 'reconnect_needed',
  lastSuccessAt: '2026-10-01T10:00:00Z',
};

export function doc(overrides: Partial<QboDocument> = {}): QboDocument {
  return {
    realmId: US.realmId,
    companyName: US.name,
    type: 'invoice',
    id: '130',
    number: '1001',
    customerName: 'Acme Ltd',
    total: '402.00',
    balance: '402.00',
    currency: 'USD',
    txnDate: '2026-11-22',
    dueDate: '2026-12-22',
    status: 'awaiting_send',
    statusLabel: 'Awaiting send',
    openUrl: 'https://qbo.intuit.com/app/invoice?txnId=130',
    currencyMismatch: false,
    currencyNote: null,
    updatedAt: '2026-11-22T17:00:00Z',
    ...overrides,
  };
}

export const CONSULTING = { id: '1', name: 'Consulting', sku: 'SVC-CONSULT', unitPrice: '150.00', taxable: true };
export const HOSTING = { id: '7', name: 'Hosting', sku: 'HOST', unitPrice: '20.00', taxable: false };

/** A US draft for a deal: matched customer, one line with a suggested item, one line without. */
export function usDraft(overrides: Partial<Draft> = {}): Draft {
  return {
    company: {
      realmId: US.realmId,
      name: US.name,
      country: 'US',
      homeCurrency: 'USD',
      lineTaxCodesRequired: false,
      customTxnNumbers: false,
      multiCurrency: false,
    },
    quotes: [
      { id: '601', title: 'Q-601 Website', expiresOn: '2027-01-31', usable: true, reason: null },
      { id: '602', title: 'Q-602 Draft', expiresOn: null, usable: false, reason: 'The quote is not published.' },
    ],
    customer: {
      match: { id: '58', displayName: 'Acme Ltd', email: 'ap@acme.example', currency: 'USD' },
      matchedBy: 'email',
      proposed: { displayName: 'Acme Ltd', givenName: 'Ada', familyName: 'Lovelace', companyName: 'Acme Ltd', email: 'ap@acme.example' },
    },
    lines: [
      { description: 'Consulting hours', sku: 'SVC-CONSULT', quantity: '2', unitPrice: '150.00', amount: '300.00', suggestedItem: CONSULTING },
      { description: 'Setup', sku: 'SETUP', quantity: '1', unitPrice: '102.00', amount: '102.00', suggestedItem: null },
    ],
    taxCodes: [],
    terms: [{ id: '3', name: 'Net 30', dueDays: 30 }],
    nextDocNumber: null,
    txnDate: '2026-11-22',
    ...overrides,
  };
}

/** A UK draft: tax code per line required, custom transaction numbers, no customer match. */
export function ukDraft(): Draft {
  return usDraft({
    company: {
      realmId: UK.realmId,
      name: UK.name,
      country: 'GB',
      homeCurrency: 'GBP',
      lineTaxCodesRequired: true,
      customTxnNumbers: true,
      multiCurrency: false,
    },
    quotes: [],
    customer: {
      match: null,
      matchedBy: null,
      proposed: { displayName: 'Jane Doe', givenName: 'Jane', familyName: 'Doe', companyName: null, email: 'jane@doe.example' },
    },
    lines: [{ description: 'Consulting hours', sku: 'SVC-CONSULT', quantity: '3', unitPrice: '100.00', amount: '300.00', suggestedItem: CONSULTING }],
    taxCodes: [
      { id: '2', name: '20.0% S' },
      { id: '4', name: '0.0% Z' },
    ],
    nextDocNumber: 'MC-0008',
  });
}
