import { describe, expect, it } from 'vitest';
import {
  Alert,
  Button,
  Checkbox,
  DateInput,
  EmptyState,
  ErrorState,
  Inline,
  Input,
  LoadingSpinner,
  Select,
  StatusTag,
  StepIndicator,
  TableRow,
  Text,
  TextArea,
  type ButtonProps,
} from '@hubspot/ui-extensions';
import { createRenderer, type RenderedElementNode, type RenderedNode } from '@hubspot/ui-extensions/testing';
import { createCardApi, type RecordObjectType } from '@hubspot-quickbooks/shared/card';
import { InvoiceCardView } from '../src/app/cards/InvoiceCardView';
import { CreateWizard } from '../src/app/cards/CreateWizard';
import {
  BASE,
  CONSULTING,
  DEAD,
  HOSTING,
  UK,
  US,
  apiError,
  doc,
  fakeCardBackend,
  ok,
  ukDraft,
  usDraft,
  type CardHandler,
} from './fakeCardBackend';

type Routes = Record<string, CardHandler>;

function renderCard(routes: Routes, objectType: RecordObjectType | null = 'deals', objectId = '401') {
  const backend = fakeCardBackend(routes);
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<InvoiceCardView api={createCardApi(BASE, backend.fetch)} objectType={objectType} objectId={objectId} />);
  return { ...renderer, requests: backend.requests };
}

type Page = ReturnType<typeof renderCard>;
type Parent = Pick<Page, 'maybeFind'>;

const button = (parent: Parent, label: string) => parent.maybeFind(Button, (node) => node.text === label);
const click = (node: RenderedElementNode<ButtonProps> | null) => {
  expect(node, 'button to click').not.toBeNull();
  node!.trigger('onClick');
};
const allText = (node: RenderedNode): string => ('childNodes' in node ? node.childNodes.map(allText).join(' ') : node.text);
const row = (page: Page, testId: string) => page.findByTestId(TableRow, testId);
const routesOf = (page: Page) => page.requests.map((request) => `${request.method} ${request.path}`);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
// The testing library types an event's argument as the handler itself; this passes the value the handler gets.
const fire = (node: RenderedElementNode<any>, event: string, value: unknown) =>
  (node.trigger as unknown as (name: string, arg: unknown) => void)(event, value);

const select = (page: Page, name: string) => page.find(Select, { name });
const input = (page: Page, name: string) => page.find(Input, { name });
async function choose(page: Page, name: string, value: string) {
  fire(select(page, name), 'onChange', value);
  await settle();
}
async function type(page: Page, name: string, value: string) {
  fire(input(page, name), 'onChange', value);
  await settle();
}
const currentStep = (page: Page) => {
  const indicator = page.find(StepIndicator);
  return indicator.props.stepNames[indicator.props.currentStep ?? 0];
};
async function next(page: Page, expected: string) {
  click(button(page, 'Next'));
  await page.waitFor(() => expect(currentStep(page)).toBe(expected));
}

const INVOICE = doc();
const PAID = doc({ id: '131', number: '1002', status: 'paid_in_full', statusLabel: 'Paid in full', balance: '0.00' });
const EURO = doc({
  id: '132',
  number: '1003',
  status: 'overdue',
  statusLabel: 'Overdue',
  currency: 'EUR',
  total: '99.50',
  balance: '99.50',
  currencyMismatch: true,
  currencyNote: 'In EUR, not USD: the deal amount is not updated from this invoice.',
});
const OLD = doc({ realmId: DEAD.realmId, companyName: DEAD.name, id: '9', number: 'OLD-9', openUrl: null });
const ESTIMATE = doc({ type: 'estimate', id: '77', number: '3001', status: 'pending', statusLabel: 'Pending', balance: null, dueDate: null });

const record = (documents = [INVOICE, PAID, EURO, OLD, ESTIMATE], companies = [US, DEAD]) => ok({ companies, documents, notices: [] });

describe('invoice card: list', () => {
  it('lists the documents with status, amounts, due date, currency note and QuickBooks link (I1, I2, I12)', async () => {
    const page = renderCard({ 'GET /card/records/deals/401': record() });
    expect(page.maybeFind(LoadingSpinner)).not.toBeNull();
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(6));

    const tag = (id: string) => row(page, `document-${id}`).find(StatusTag);
    expect([tag(`${US.realmId}-invoice-130`).text, tag(`${US.realmId}-invoice-130`).props.variant]).toEqual(['Awaiting send', 'warning']);
    expect([tag(`${US.realmId}-invoice-131`).text, tag(`${US.realmId}-invoice-131`).props.variant]).toEqual(['Paid in full', 'success']);
    expect([tag(`${US.realmId}-invoice-132`).text, tag(`${US.realmId}-invoice-132`).props.variant]).toEqual(['Overdue', 'danger']);
    expect(tag(`${US.realmId}-estimate-77`).text).toBe('Pending');

    const first = allText(row(page, `document-${US.realmId}-invoice-130`));
    for (const text of ['Invoice 1001', 'Acme Ltd', '$402.00', '2026-12-22']) expect(first).toContain(text);
    expect(button(row(page, `document-${US.realmId}-invoice-130`), 'Open in QuickBooks')!.props.href).toEqual({
      url: INVOICE.openUrl,
      external: true,
    });
    expect(allText(row(page, `document-${US.realmId}-invoice-132`))).toContain('€99.50');
    expect(allText(row(page, `document-${US.realmId}-invoice-132`))).toContain(EURO.currencyNote);
    expect(allText(row(page, `document-${US.realmId}-invoice-130`))).not.toContain('not updated');
    expect(allText(row(page, `document-${US.realmId}-estimate-77`))).toContain('Estimate 3001');
  });

  it('offers Send only on invoices not sent yet', async () => {
    const page = renderCard({ 'GET /card/records/deals/401': record() });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(6));
    const labels = (id: string) => row(page, `document-${id}`).findAll(Button).map((node) => node.text);
    expect(labels(`${US.realmId}-invoice-130`)).toEqual(['Open in QuickBooks', 'Preview', 'Send']);
    expect(labels(`${US.realmId}-invoice-131`)).toEqual(['Open in QuickBooks', 'Preview']);
    expect(labels(`${US.realmId}-estimate-77`)).toEqual(['Open in QuickBooks', 'Preview']);
  });

  it('shows an invoice deleted in QuickBooks with a red Deleted tag and nothing to open, preview or send (B8)', async () => {
    const GONE = doc({ id: '133', number: '1004', status: 'deleted', statusLabel: 'Deleted', openUrl: null });
    const page = renderCard({ 'GET /card/records/deals/401': record([INVOICE, GONE]) });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(3));
    const gone = row(page, `document-${US.realmId}-invoice-133`);
    expect([gone.find(StatusTag).text, gone.find(StatusTag).props.variant]).toEqual(['Deleted', 'danger']);
    expect(gone.findAll(Button)).toHaveLength(0);
    expect(allText(gone)).toContain('Invoice 1004');
  });

  it('shows a company that needs reconnecting as such and keeps its documents, without live actions (C4)', async () => {
    const page = renderCard({ 'GET /card/records/deals/401': record() });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(6));
    const health = page.findByTestId(Inline, `company-${DEAD.realmId}`).find(StatusTag);
    expect([health.text, health.props.variant]).toEqual(['Reconnect needed', 'warning']);
    expect(page.findByTestId(Inline, `company-${US.realmId}`).find(StatusTag).text).toBe('Connected');

    const old = row(page, `document-${DEAD.realmId}-invoice-9`);
    expect(button(old, 'Preview')!.props.disabled).toBe(true);
    expect(button(old, 'Send')!.props.disabled).toBe(true);
    expect(allText(old)).toContain('Reconnect Old Books Ltd to preview or send.');
    // With several companies, each row names its company.
    expect(allText(row(page, `document-${US.realmId}-invoice-130`))).toContain('Sandbox US');
  });

  it('explains when no company is connected, and says so on an unsupported object', async () => {
    const page = renderCard({ 'GET /card/records/contacts/51': ok({ companies: [], documents: [], notices: [] }) }, 'contacts', '51');
    await page.waitFor(() => expect(page.maybeFind(EmptyState)?.props.title).toBe('No QuickBooks company connected'));
    expect(button(page, 'Create in QuickBooks')!.props.disabled).toBe(true);

    const other = renderCard({}, null);
    expect(other.find(ErrorState).props.title).toBe('This card works on deals, contacts and companies');
    expect(other.requests).toEqual([]);
  });

  it("shows the backend's notices: saved figures of a company it could not ask, a deal not fully updated", async () => {
    const notices = [
      `Showing saved figures for ${DEAD.name}: QuickBooks needs to be reconnected`,
      'The deal was not fully updated from QuickBooks (HubSpot is busy); it will be on the next refresh',
    ];
    let answer = notices;
    const page = renderCard({ 'GET /card/records/deals/401': () => ok({ companies: [US, DEAD], documents: [INVOICE, OLD], notices: answer })() });
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'card-notices')).not.toBeNull());
    const alert = page.findByTestId(Alert, 'card-notices');
    expect([alert.props.title, alert.props.variant]).toEqual(['Some figures may be out of date', 'warning']);
    expect(alert.findAll(Text).map((node) => node.text)).toEqual(notices);
    expect(page.findAll(TableRow)).toHaveLength(3); // the documents are still listed

    // The next answer without notices clears them.
    answer = [];
    click(button(page, 'Refresh'));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'card-notices')).toBeNull());
    expect(page.findAll(TableRow)).toHaveLength(3);
  });

  it("shows the backend's message when the record cannot be loaded, and tries again", async () => {
    let fail = true;
    const page = renderCard({
      'GET /card/records/deals/401': () => (fail ? apiError(502, 'upstream', 'QuickBooks did not answer.') : record()()),
    });
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'card-error')).not.toBeNull());
    expect(page.findByTestId(Alert, 'card-error').props.title).toBe('QuickBooks did not answer as expected');
    expect(allText(page.findByTestId(Alert, 'card-error'))).toContain('QuickBooks did not answer.');
    fail = false;
    click(button(page.findByTestId(Alert, 'card-error'), 'Try again'));
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(6));
    expect(page.maybeFindByTestId(Alert, 'card-error')).toBeNull();
  });

  it('previews a document by fetching a one-time link and offering it to open (I9)', async () => {
    const url = 'https://api.example.test/card/pdf?t=tok';
    const page = renderCard({ 'GET /card/records/deals/401': record(), 'GET /card/preview': ok({ url }) });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(6));
    click(button(row(page, `document-${US.realmId}-estimate-77`), 'Preview'));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'preview-ready')).not.toBeNull());
    expect(page.findByTestId(Alert, 'preview-ready').props.title).toBe('Estimate 3001 is ready');
    expect(button(page, 'Open PDF')!.props.href).toEqual({ url, external: true });
    expect(page.requests.at(-1)).toMatchObject({ path: '/card/preview', query: { realmId: US.realmId, type: 'estimate', id: '77' } });
  });

  it('sends an invoice and shows its new status (B9)', async () => {
    const page = renderCard({
      'GET /card/records/deals/401': record([INVOICE]),
      'POST /card/documents/send': ok({ document: { ...INVOICE, status: 'sent', statusLabel: 'Sent' } }),
    });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(2));
    click(button(page, 'Send'));
    await page.waitFor(() => expect(page.find(StatusTag, (node) => node.text === 'Sent')).not.toBeNull());
    expect(page.requests.at(-1)).toMatchObject({ method: 'POST', path: '/card/documents/send', body: { realmId: US.realmId, id: '130' } });
    expect(button(page, 'Send')).toBeNull();
    expect(allText(page.find(Alert, { title: 'Done' }))).toContain('Invoice 1001 was sent.');
  });

  it('asks for an address when the customer has none, then sends to it', async () => {
    const page = renderCard({
      'GET /card/records/deals/401': record([INVOICE]),
      'POST /card/documents/send': (request) =>
        request.body?.sendTo
          ? ok({ document: { ...INVOICE, status: 'sent', statusLabel: 'Sent' } })()
          : apiError(422, 'customer_missing_email', 'Acme Ltd has no e-mail address in QuickBooks.'),
    });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(2));
    click(button(page, 'Send'));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'send-to')).not.toBeNull());
    expect(allText(page.findByTestId(Alert, 'card-error'))).toContain('Acme Ltd has no e-mail address in QuickBooks.');
    expect(button(page, 'Send now')!.props.disabled).toBe(true);

    await type(page, 'sendTo', 'billing@acme.example');
    click(button(page, 'Send now'));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'send-to')).toBeNull());
    expect(page.requests.at(-1)!.body).toEqual({
      realmId: US.realmId,
      id: '130',
      sendTo: 'billing@acme.example',
      objectType: 'deals',
      objectId: '401',
      idempotencyKey: expect.any(String),
    });
    expect(allText(page.find(Alert, { title: 'Done' }))).toContain('sent to billing@acme.example');
  });
});

describe('invoice card: create wizard', () => {
  it('creates an invoice from a quote on a deal: company, source, customer, lines, details, review (I3–I8)', async () => {
    const created = doc({ id: '140', number: '1010' });
    let listed = [INVOICE];
    const page = renderCard({
      'GET /card/records/deals/401': () => ok({ companies: [US, DEAD], documents: listed, notices: [] })(),
      'GET /card/draft': (request) =>
        ok(request.query.source === 'quote' ? usDraft({ lines: [usDraft().lines[1]], txnDate: '2026-11-23' }) : usDraft())(),
      'GET /card/items': ok({ items: [HOSTING, CONSULTING] }),
      'POST /card/documents': () => {
        listed = [created, INVOICE];
        return { status: 201, body: { document: created } };
      },
    });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(2));
    click(button(page, 'Create in QuickBooks'));

    // Company: the only active company is preselected; the one needing reconnection is explained, not offered.
    expect(currentStep(page)).toBe('Company');
    expect(select(page, 'realmId').props.options).toEqual([{ label: 'Sandbox US (sandbox)', value: US.realmId }]);
    expect(select(page, 'realmId').props.value).toBe(US.realmId);
    expect(allText(page.getRootNode())).toContain('Old Books Ltd: reconnect needed.');
    await next(page, 'Source');
    expect(page.requests.at(-1)!.query).toEqual({ realmId: US.realmId, objectType: 'deals', objectId: '401', source: 'deal' });

    // Source: only usable quotes are offered; the unusable one says why.
    expect(select(page, 'source').props.options.map((option) => option.value)).toEqual(['deal', '601']);
    expect(allText(page.getRootNode())).toContain('The quote is not published.');
    await choose(page, 'source', '601');
    await next(page, 'Customer');
    expect(page.requests.at(-1)!.query).toMatchObject({ source: 'quote', quoteId: '601' });

    // Customer: the match is preselected.
    expect(select(page, 'customerChoice').props.value).toBe('match');
    expect(select(page, 'customerChoice').props.options[0].label).toBe('Acme Ltd (matched by e-mail)');
    await next(page, 'Lines & tax');

    // Lines: the quote's line has no suggested item, so Next shows what is missing.
    click(button(page, 'Next'));
    await page.waitFor(() => expect(select(page, 'item-0').props.validationMessage).toBe('Choose a QuickBooks product or service.'));
    expect(currentStep(page)).toBe('Lines & tax');
    await type(page, 'itemQuery-0', 'host');
    click(button(page, 'Search products'));
    await page.waitFor(() => expect(select(page, 'item-0').props.options).toHaveLength(2));
    expect(page.requests.at(-1)).toMatchObject({ path: '/card/items', query: { realmId: US.realmId, q: 'host' } });
    await choose(page, 'item-0', HOSTING.id);
    // The quote's price stays; QuickBooks' list price does not overwrite it.
    expect(input(page, 'unitPrice-0').props.value).toBe('102.00');
    await type(page, 'quantity-0', '2');
    fire(page.find(DateInput, { name: 'serviceDate-0' }), 'onChange', { year: 2026, month: 10, date: 20 });
    await settle();
    expect(page.maybeFind(Select, { name: 'taxCodeId-0' })).toBeNull(); // a US company needs no tax codes
    expect(allText(page.getRootNode())).toContain('Subtotal before tax: $204.00');
    await next(page, 'Details');

    // Details: terms set the due date from the invoice date.
    expect(page.find(DateInput, { name: 'txnDate' }).props.value).toEqual({ year: 2026, month: 10, date: 23 });
    await choose(page, 'termId', '3');
    expect(page.find(DateInput, { name: 'dueDate' }).props.value).toEqual({ year: 2026, month: 11, date: 23 });
    fire(page.find(TextArea, { name: 'message' }), 'onChange', 'Thank you for your business');
    await settle();
    expect(page.maybeFind(Input, { name: 'docNumber' })).toBeNull(); // QuickBooks numbers it
    await next(page, 'Review');

    const review = allText(page.getRootNode());
    for (const text of ['Sandbox US', 'Acme Ltd', 'Hosting', '$204.00', '2026-12-23', 'Assigned by QuickBooks']) expect(review).toContain(text);
    click(button(page, 'Create invoice'));

    await page.waitFor(() => expect(allText(page.find(Alert, { title: 'Done' }))).toContain('Invoice 1010 was created in QuickBooks'));
    const create = page.requests.find((request) => request.path === '/card/documents')!;
    expect(create.body).toEqual({
      idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      realmId: US.realmId,
      objectType: 'deals',
      objectId: '401',
      type: 'invoice',
      customer: { id: '58' },
      lines: [{ itemId: HOSTING.id, description: 'Setup', quantity: '2', unitPrice: '102.00', serviceDate: '2026-11-20' }],
      termId: '3',
      txnDate: '2026-11-23',
      dueDate: '2026-12-23',
      message: 'Thank you for your business',
    });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(3));
    expect(routesOf(page).filter((route) => route === 'GET /card/records/deals/401')).toHaveLength(2);
  });

  it('keeps the input after a refusal and retries with the same idempotency key', async () => {
    const attempts: unknown[] = [];
    const page = renderCard({
      'GET /card/records/deals/401': record([]),
      'GET /card/draft': ok(usDraft({ lines: [usDraft().lines[0]] })),
      'POST /card/documents': (request) => {
        attempts.push(request.body);
        return attempts.length === 1
          ? apiError(422, 'rejected', 'QuickBooks: the customer Acme Ltd is inactive.')
          : { status: 201, body: { document: doc() } };
      },
    });
    await page.waitFor(() => expect(page.maybeFind(Button, (node) => node.text === 'Create in QuickBooks')?.props.disabled).toBe(false));
    click(button(page, 'Create in QuickBooks'));
    await next(page, 'Source');
    await next(page, 'Customer');
    await next(page, 'Lines & tax');
    await next(page, 'Details');
    await choose(page, 'type', 'estimate');
    expect(page.maybeFind(Select, { name: 'termId' })).toBeNull(); // estimates have no terms
    await next(page, 'Review');
    click(button(page, 'Create estimate'));

    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'wizard-error')).not.toBeNull());
    const alert = page.findByTestId(Alert, 'wizard-error');
    expect(alert.props.title).toBe('QuickBooks refused the document');
    expect(allText(alert)).toContain('QuickBooks: the customer Acme Ltd is inactive.');
    expect(currentStep(page)).toBe('Review');
    expect(allText(page.getRootNode())).toContain('Consulting');

    click(button(page, 'Create estimate'));
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Done' })).not.toBeNull());
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toEqual(attempts[0]);
    expect((attempts[0] as { type: string }).type).toBe('estimate');
  });

  it('creates a 30 % deposit invoice, with a new QuickBooks product for the unmatched line (B9, B4)', async () => {
    let sent: unknown = null;
    const draft = usDraft({
      createItems: true,
      lines: usDraft().lines.map((line, i) => ({ ...line, name: i === 0 ? 'Consulting hours' : 'Setup fee' })),
    });
    const page = renderCard({
      'GET /card/records/deals/401': record([]),
      'GET /card/draft': ok(draft),
      'POST /card/documents': (request) => {
        sent = request.body;
        return { status: 201, body: { document: doc() } };
      },
    });
    await page.waitFor(() => expect(page.maybeFind(Button, (node) => node.text === 'Create in QuickBooks')?.props.disabled).toBe(false));
    click(button(page, 'Create in QuickBooks'));
    await next(page, 'Source');
    await next(page, 'Customer');
    await next(page, 'Lines & tax');
    // No product matches the second line: creating it is offered and chosen.
    expect(select(page, 'item-1').props.value).toBe('new-item');
    expect(select(page, 'item-1').props.options[0].label).toBe('Create in QuickBooks: Setup fee (SETUP)');
    await next(page, 'Details');
    expect(select(page, 'portion').props.value).toBe('full');
    await choose(page, 'portion', 'percent');
    await type(page, 'portionPercent', '130');
    click(button(page, 'Next'));
    await page.waitFor(() =>
      expect(input(page, 'portionPercent').props.validationMessage).toBe('Enter a percentage above 0 and at most 100, such as 30.'),
    );
    await type(page, 'portionPercent', '30');
    expect(allText(page.getRootNode())).toContain('Bills $120.60 before tax');
    await next(page, 'Review');
    const review = allText(page.getRootNode());
    expect(review).toContain('30% of the deal ($120.60 before tax)');
    expect(review).toContain('Setup fee (new)');
    click(button(page, 'Create invoice'));
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Done' })).not.toBeNull());
    expect(sent).toMatchObject({
      portion: { kind: 'percent', percent: '30' },
      lines: [
        { itemId: CONSULTING.id, quantity: '2', unitPrice: '150.00' },
        { newItem: { name: 'Setup fee', sku: 'SETUP' }, quantity: '1', unitPrice: '102.00' },
      ],
    });
  });

  it('starts every wizard run with a new idempotency key', async () => {
    const keys: string[] = [];
    const page = renderCard({
      'GET /card/records/deals/401': record([]),
      'GET /card/draft': ok(usDraft({ lines: [usDraft().lines[0]] })),
      'POST /card/documents': (request) => {
        keys.push(String(request.body?.idempotencyKey));
        return { status: 201, body: { document: doc() } };
      },
    });
    for (let run = 0; run < 2; run++) {
      await page.waitFor(() => expect(button(page, 'Create in QuickBooks')?.props.disabled).toBe(false));
      click(button(page, 'Create in QuickBooks'));
      for (const step of ['Source', 'Customer', 'Lines & tax', 'Details', 'Review']) await next(page, step);
      click(button(page, 'Create invoice'));
      await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Done' })).not.toBeNull());
    }
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('on a contact: no source step, a new customer, a tax code per line and the next custom number (I6, I13)', async () => {
    const page = renderCard(
      {
        'GET /card/records/contacts/51': ok({ companies: [US, UK], documents: [], notices: [] }),
        'GET /card/draft': ok(ukDraft()),
        'POST /card/documents': (request) =>
          request.body?.lines && (request.body.lines as { taxCodeId?: string }[])[0].taxCodeId
            ? { status: 201, body: { document: doc({ realmId: UK.realmId, number: 'MC-0008', currency: 'GBP' }) } }
            : apiError(422, 'tax_code_required', 'Line 1 needs a tax code.'),
      },
      'contacts',
      '51',
    );
    await page.waitFor(() => expect(button(page, 'Create in QuickBooks')?.props.disabled).toBe(false));
    click(button(page, 'Create in QuickBooks'));
    expect(page.find(StepIndicator).props.stepNames).toEqual(['Company', 'Customer', 'Lines & tax', 'Details', 'Review']);

    // Two active companies: nothing preselected, Next asks for one.
    click(button(page, 'Next'));
    await page.waitFor(() => expect(select(page, 'realmId').props.validationMessage).toBe('Choose a QuickBooks company.'));
    expect(page.requests.filter((request) => request.path === '/card/draft')).toHaveLength(0);
    await choose(page, 'realmId', UK.realmId);
    await next(page, 'Customer');
    expect(page.requests.at(-1)!.query).toEqual({ realmId: UK.realmId, objectType: 'contacts', objectId: '51', source: 'deal' });

    // No match: a new customer with the proposed fields, editable.
    expect(select(page, 'customerChoice').props.value).toBe('new');
    expect(input(page, 'displayName').props.value).toBe('Jane Doe');
    await type(page, 'email', 'jane@');
    click(button(page, 'Next'));
    await page.waitFor(() => expect(input(page, 'email').props.validationMessage).toBe('Enter a valid e-mail address, or leave it empty.'));
    await type(page, 'email', 'jane@doe.example');
    await next(page, 'Lines & tax');

    click(button(page, 'Next'));
    await page.waitFor(() => expect(select(page, 'taxCodeId-0').props.validationMessage).toBe('Choose a tax code.'));
    expect(select(page, 'taxCodeId-0').props.options).toEqual([
      { label: '20.0% S', value: '2' },
      { label: '0.0% Z', value: '4' },
    ]);
    await next(page, 'Lines & tax'); // still invalid
    await choose(page, 'taxCodeId-0', '2');
    await next(page, 'Details');
    expect(input(page, 'docNumber').props.value).toBe('MC-0008');
    await choose(page, 'type', 'sales_receipt');
    await next(page, 'Review');
    expect(allText(page.getRootNode())).toContain('Jane Doe (new QuickBooks customer)');
    expect(allText(page.getRootNode())).toContain('£300.00');
    click(button(page, 'Create sales receipt'));

    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Done' })).not.toBeNull());
    expect(page.requests.find((request) => request.path === '/card/documents')!.body).toMatchObject({
      realmId: UK.realmId,
      objectType: 'contacts',
      objectId: '51',
      type: 'sales_receipt',
      customer: { new: { displayName: 'Jane Doe', givenName: 'Jane', familyName: 'Doe', email: 'jane@doe.example' } },
      lines: [{ itemId: CONSULTING.id, quantity: '3', unitPrice: '100.00', taxCodeId: '2' }],
      docNumber: 'MC-0008',
    });
  });

  it('sends the user to the step that fixes a duplicate document number', async () => {
    const backend = fakeCardBackend({
      'GET /card/draft': ok(ukDraft()),
      'POST /card/documents': () => apiError(409, 'duplicate_doc_number', 'MC-0008 is already used in QuickBooks.'),
    });
    const page = { ...createRenderer('crm.record.tab'), requests: backend.requests };
    let created = false;
    page.render(
      <CreateWizard
        api={createCardApi(BASE, backend.fetch)}
        companies={[UK]}
        objectType="companies"
        objectId="33"
        idempotencyKey="fixed-key"
        onCancel={() => {}}
        onCreated={() => {
          created = true;
        }}
      />,
    );
    await next(page, 'Customer');
    await next(page, 'Lines & tax');
    await choose(page, 'taxCodeId-0', '4');
    await next(page, 'Details');
    await next(page, 'Review');
    click(button(page, 'Create invoice'));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'wizard-error')).not.toBeNull());
    expect(page.findByTestId(Alert, 'wizard-error').props.title).toBe('That document number is already used');
    click(button(page.findByTestId(Alert, 'wizard-error'), 'Go to Details'));
    await page.waitFor(() => expect(currentStep(page)).toBe('Details'));
    await type(page, 'docNumber', 'MC-0009');
    await next(page, 'Review');
    click(button(page, 'Create invoice'));
    await page.waitFor(() => expect(page.requests.filter((request) => request.path === '/card/documents')).toHaveLength(2));
    const bodies = page.requests.filter((request) => request.path === '/card/documents').map((request) => request.body!);
    expect(bodies.map((body) => [body.idempotencyKey, body.docNumber])).toEqual([
      ['fixed-key', 'MC-0008'],
      ['fixed-key', 'MC-0009'],
    ]);
    expect(created).toBe(false);
  });

  it('lets the user pick another customer from a search', async () => {
    const page = renderCard({
      'GET /card/records/deals/401': record([]),
      'GET /card/draft': ok(usDraft({ lines: [usDraft().lines[0]] })),
      'GET /card/customers': ok({ customers: [{ id: '90', displayName: 'Globex', email: 'ap@globex.example', currency: 'USD' }] }),
      'POST /card/documents': () => ({ status: 201, body: { document: doc() } }),
    });
    await page.waitFor(() => expect(button(page, 'Create in QuickBooks')?.props.disabled).toBe(false));
    click(button(page, 'Create in QuickBooks'));
    await next(page, 'Source');
    await next(page, 'Customer');
    await choose(page, 'customerChoice', 'existing');
    click(button(page, 'Next'));
    await page.waitFor(() => expect(select(page, 'customerChoice').props.validationMessage).toBe('Choose a QuickBooks customer.'));
    await type(page, 'customerQuery', 'glo');
    click(button(page, 'Search customers'));
    await page.waitFor(() => expect(page.maybeFind(Select, { name: 'customer' })).not.toBeNull());
    expect(page.requests.at(-1)).toMatchObject({ path: '/card/customers', query: { realmId: US.realmId, q: 'glo' } });
    await choose(page, 'customer', '90');
    for (const step of ['Lines & tax', 'Details', 'Review']) await next(page, step);
    click(button(page, 'Create invoice'));
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Done' })).not.toBeNull());
    expect(page.requests.find((request) => request.path === '/card/documents')!.body!.customer).toEqual({ id: '90' });
  });

  it('shows reconnect_needed when the draft cannot be loaded, and stays on the company step', async () => {
    const page = renderCard({
      'GET /card/records/deals/401': record([]),
      'GET /card/draft': () => apiError(409, 'reconnect_needed', 'Sandbox US must be reconnected.'),
    });
    await page.waitFor(() => expect(button(page, 'Create in QuickBooks')?.props.disabled).toBe(false));
    click(button(page, 'Create in QuickBooks'));
    click(button(page, 'Next'));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'wizard-error')).not.toBeNull());
    const alert = page.findByTestId(Alert, 'wizard-error');
    expect(alert.props.title).toBe('QuickBooks needs to be reconnected');
    expect(allText(alert)).toContain('Sandbox US must be reconnected.');
    expect(currentStep(page)).toBe('Company');

    click(button(page, 'Cancel'));
    await page.waitFor(() => expect(button(page, 'Create in QuickBooks')).not.toBeNull());
  });
});

const LINK_NOTICE = 'The deal was not fully updated from QuickBooks (HubSpot is busy); it will be on the next refresh';

describe('invoice card: add existing (I10)', () => {
  it('searches, ticks and adds invoices to the record', async () => {
    const found = doc({ id: '200', number: '2001', customerName: 'Acme Ltd', status: 'sent', statusLabel: 'Sent' });
    const page = renderCard(
      {
        'GET /card/records/companies/33': ok({ companies: [US], documents: [INVOICE], notices: [] }),
        'GET /card/invoices/search': ok({ invoices: [INVOICE, found] }),
        'POST /card/links': ok({ companies: [US], documents: [found, INVOICE], notices: [LINK_NOTICE] }),
      },
      'companies',
      '33',
    );
    await page.waitFor(() => expect(button(page, 'Add existing invoice')?.props.disabled).toBe(false));
    click(button(page, 'Add existing invoice'));
    expect(select(page, 'realmId').props.value).toBe(US.realmId);
    await type(page, 'customer', 'acme');
    fire(page.find(DateInput, { name: 'from' }), 'onChange', { year: 2026, month: 10, date: 1 });
    await settle();
    click(button(page, 'Search'));
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(3));
    expect(page.requests.at(-1)!.query).toEqual({ realmId: US.realmId, customer: 'acme', from: '2026-11-01' });

    // The invoice already on the record is not offered again.
    expect(allText(row(page, `result-${US.realmId}-invoice-130`))).toContain('Already on this record');
    expect(row(page, `result-${US.realmId}-invoice-130`).maybeFind(Checkbox)).toBeNull();
    expect(button(page, 'Add 0 invoices')!.props.disabled).toBe(true);
    fire(row(page, `result-${US.realmId}-invoice-200`).find(Checkbox), 'onChange', true);
    await page.waitFor(() => expect(button(page, 'Add 1 invoice')!.props.disabled).toBe(false));
    click(button(page, 'Add 1 invoice'));

    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Done' })).not.toBeNull());
    expect(page.requests.at(-1)!.body).toEqual({
      realmId: US.realmId,
      objectType: 'companies',
      objectId: '33',
      documents: [{ type: 'invoice', id: '200' }],
    });
    expect(page.findAll(TableRow)).toHaveLength(3);
    expect(allText(page.find(Alert, { title: 'Done' }))).toContain('1 invoice was added to this record.');
    expect(allText(page.findByTestId(Alert, 'card-notices'))).toContain(LINK_NOTICE);
  });

  it('refuses a date range that ends before it starts', async () => {
    const page = renderCard({ 'GET /card/records/deals/401': record([]) });
    await page.waitFor(() => expect(button(page, 'Add existing invoice')?.props.disabled).toBe(false));
    click(button(page, 'Add existing invoice'));
    fire(page.find(DateInput, { name: 'from' }), 'onChange', { year: 2026, month: 10, date: 10 });
    fire(page.find(DateInput, { name: 'to' }), 'onChange', { year: 2026, month: 10, date: 1 });
    await settle();
    click(button(page, 'Search'));
    await page.waitFor(() => expect(page.maybeFind(Text, (node) => node.text === 'The "to" date is before the "from" date.')).not.toBeNull());
    expect(page.requests.filter((request) => request.path === '/card/invoices/search')).toHaveLength(0);
  });
});
