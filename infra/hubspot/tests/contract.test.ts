// The card's parsers accept every answer shape the backend serialises (tests/contract/cardAnswers.ts, generated
// from the Rust DTOs by functions/invoice-card/tests/contract.rs; `npm run typecheck` holds each to its TS type),
// and pass each through whole: nothing the backend sends is dropped on the way to the card.
import { describe, expect, it } from 'vitest';
import { createCardApi } from '@hubspot-quickbooks/shared/card';
import { applyDraft, newWizard, validateStep } from '@hubspot-quickbooks/shared/wizard';
import { customers, draft, draftBare, items, record } from './contract/cardAnswers';
import { createDocument } from './contract/cardRequests';
import { BASE, fakeCardBackend, ok } from './fakeCardBackend';

const api = (routes: Parameters<typeof fakeCardBackend>[0]) => createCardApi(BASE, fakeCardBackend(routes).fetch);

describe('card contract: the answers the backend serialises', () => {
  it("reads a record's view, notices included, from the record and from a link", async () => {
    const card = api({ 'GET /card/records/deals/401': ok(record), 'POST /card/links': ok(record) });
    expect(await card.record('deals', '401')).toEqual(record);
    expect(await card.link(record.companies[0].realmId, 'deals', '401', [{ type: 'invoice', id: '130' }])).toEqual(record);
    expect(record.notices.length).toBeGreaterThan(0);
  });

  it('reads the companies and every document answer', async () => {
    const [document] = record.documents;
    const card = api({
      'GET /card/companies': ok({ companies: record.companies }),
      'GET /card/invoices/search': ok({ invoices: record.documents }),
      'POST /card/documents': () => ({ status: 201, body: { document } }),
      'POST /card/documents/send': ok({ document }),
    });
    expect(await card.companies()).toEqual(record.companies);
    expect(await card.searchInvoices(document.realmId, {})).toEqual(record.documents);
    expect(await card.send(document.realmId, document.id)).toEqual(document);
    expect(await card.createDocument(createDocument)).toEqual({ document, created: true });
  });

  it.each([
    ['every optional field present', draft],
    ['no optional field present', draftBare],
  ])('reads a draft with %s', async (_case, answer) => {
    const card = api({ 'GET /card/draft': ok(answer) });
    expect(await card.draft(answer.company.realmId, 'deals', '401', { source: 'deal' })).toEqual(answer);
  });

  it('reads customer and item searches', async () => {
    const card = api({ 'GET /card/customers': ok({ customers }), 'GET /card/items': ok({ items }) });
    expect(await card.customers('1', '')).toEqual(customers);
    expect(await card.items('1', '')).toEqual(items);
  });

  it('starts the wizard from a draft that proposes no customer: an empty new customer to fill in', () => {
    const state = applyDraft(newWizard('key'), draftBare, { source: 'deal' });
    expect(state.customer).toEqual({ kind: 'new', fields: { displayName: '' } });
    expect(validateStep(state, 'customer')['customer.displayName']).toBeDefined();
  });
});
