import { describe, expect, it } from 'vitest';
import {
  addDays,
  addLine,
  applyDraft,
  applyTerm,
  buildCreateBody,
  chooseItem,
  chooseNewItem,
  firstInvalidStep,
  fromBaseDate,
  isDate,
  lineAmount,
  newIdempotencyKey,
  newWizard,
  portionAmount,
  removeLine,
  stepForError,
  stepsFor,
  subtotal,
  toBaseDate,
  updateLine,
  validateStep,
  type WizardState,
} from '@hubspot-quickbooks/shared/wizard';
import { CONSULTING, HOSTING, UK, US, ukDraft, usDraft } from './fakeCardBackend';

const KEY = '0b7c2f1e-1111-4222-8333-444455556666';

const usState = (): WizardState => applyDraft(newWizard(KEY, US.realmId), usDraft(), { source: 'deal' });
const ukState = (): WizardState => applyDraft(newWizard(KEY, UK.realmId), ukDraft(), { source: 'deal' });

describe('wizard steps', () => {
  it('has a source step only on deals', () => {
    expect(stepsFor('deals')).toEqual(['company', 'source', 'customer', 'lines', 'details', 'review']);
    expect(stepsFor('contacts')).toEqual(['company', 'customer', 'lines', 'details', 'review']);
    expect(stepsFor('companies')).toEqual(stepsFor('contacts'));
  });

  it('sends the user to the step that fixes a backend refusal', () => {
    expect(stepForError('tax_code_required')).toBe('lines');
    expect(stepForError('item_not_found')).toBe('lines');
    expect(stepForError('item_not_matched')).toBe('lines');
    expect(stepForError('duplicate_doc_number')).toBe('details');
    expect(stepForError('reconnect_needed')).toBe('company');
    expect(stepForError('rejected')).toBeNull();
  });
});

describe('applyDraft', () => {
  it('preselects the matched customer and the suggested items, keeps the run key', () => {
    const state = usState();
    expect(state.idempotencyKey).toBe(KEY);
    expect(state.customer).toEqual({ kind: 'match' });
    expect(state.lines.map((line) => [line.item?.id ?? null, line.quantity, line.unitPrice, line.description, line.sku])).toEqual([
      ['1', '2', '150.00', 'Consulting hours', 'SVC-CONSULT'],
      [null, '1', '102.00', 'Setup', 'SETUP'],
    ]);
    expect(state.txnDate).toBe('2026-11-22');
    expect(state.docNumber).toBe('');
  });

  it('proposes a new customer when none matched and prefills the next number with custom numbers (I13)', () => {
    const state = ukState();
    expect(state.customer).toEqual({ kind: 'new', fields: ukDraft().customer.proposed });
    expect(state.docNumber).toBe('MC-0008');
    expect(state.realmId).toBe(UK.realmId);
  });

  it('keeps the chosen document type and key when a quote replaces the deal lines', () => {
    const before = { ...usState(), type: 'estimate' as const };
    const after = applyDraft(before, usDraft({ lines: [] }), { source: 'quote', quoteId: '601' });
    expect(after.type).toBe('estimate');
    expect(after.idempotencyKey).toBe(KEY);
    expect(after.source).toEqual({ source: 'quote', quoteId: '601' });
    expect(after.lines).toEqual([]);
  });
});

describe('validation', () => {
  it('needs a company', () => {
    expect(validateStep(newWizard(KEY), 'company')).toEqual({ realmId: 'Choose a QuickBooks company.' });
    expect(validateStep(newWizard(KEY, US.realmId), 'company')).toEqual({});
  });

  it('accepts only usable quotes', () => {
    const state = usState();
    expect(validateStep({ ...state, source: { source: 'quote', quoteId: '601' } }, 'source')).toEqual({});
    expect(validateStep({ ...state, source: { source: 'quote', quoteId: '602' } }, 'source')).toEqual({ source: 'The quote is not published.' });
    expect(validateStep({ ...state, source: { source: 'quote', quoteId: 'nope' } }, 'source')).toEqual({ source: 'Choose a quote.' });
  });

  it('checks the customer choice', () => {
    const state = usState();
    expect(validateStep(state, 'customer')).toEqual({});
    expect(validateStep({ ...state, customer: { kind: 'existing', customer: null } }, 'customer')).toHaveProperty('customer');
    expect(
      validateStep({ ...state, customer: { kind: 'new', fields: { displayName: '  ', email: 'not-an-email' } } }, 'customer'),
    ).toEqual({
      'customer.displayName': 'Enter the customer’s display name.',
      'customer.email': 'Enter a valid e-mail address, or leave it empty.',
    });
  });

  it('needs an item, a positive quantity and a price on every line, and a tax code where the company needs one', () => {
    const state = usState();
    const second = state.lines[1].key;
    expect(validateStep(state, 'lines')).toEqual({ [`lines.${second}.item`]: 'Choose a QuickBooks product or service.' });

    const broken = updateLine(updateLine(state, second, { quantity: '0', unitPrice: '1,50', serviceDate: '2026-02-30' }), second, {});
    expect(Object.keys(validateStep(broken, 'lines')).sort()).toEqual(
      ['item', 'quantity', 'serviceDate', 'unitPrice'].map((field) => `lines.${second}.${field}`),
    );

    const uk = ukState();
    expect(validateStep(uk, 'lines')).toEqual({ [`lines.${uk.lines[0].key}.taxCodeId`]: 'Choose a tax code.' });
    expect(validateStep(updateLine(uk, uk.lines[0].key, { taxCodeId: '2' }), 'lines')).toEqual({});
    expect(validateStep(removeLine(uk, uk.lines[0].key), 'lines')).toEqual({ lines: 'Add at least one line.' });
  });

  it('checks dates, the message length and the document number', () => {
    const state = usState();
    expect(validateStep({ ...state, dueDate: '2026-11-01' }, 'details')).toEqual({ dueDate: 'The due date is before the invoice date.' });
    // Estimates and sales receipts have no due date to check.
    expect(validateStep({ ...state, type: 'estimate', dueDate: '2026-11-01' }, 'details')).toEqual({});
    expect(validateStep({ ...state, txnDate: '22/11/2026' }, 'details')).toHaveProperty('txnDate');
    expect(validateStep({ ...state, message: 'x'.repeat(1001) }, 'details')).toHaveProperty('message');
    expect(validateStep({ ...state, docNumber: 'X'.repeat(22) }, 'details')).toEqual({ docNumber: 'At most 21 characters.' });
    expect(validateStep({ ...ukState(), docNumber: ' ' }, 'details')).toHaveProperty('docNumber');
  });

  it('finds the first incomplete step', () => {
    const state = usState();
    expect(firstInvalidStep(state, 'deals')).toBe('lines');
    expect(firstInvalidStep(chooseItem(state, state.lines[1].key, HOSTING), 'deals')).toBeNull();
  });
});

describe('editing', () => {
  it('fills the price from the QuickBooks item only on a line without one', () => {
    let state = addLine(usState());
    const fresh = state.lines[2].key;
    state = chooseItem(state, fresh, HOSTING);
    expect(state.lines[2].unitPrice).toBe('20.00');
    state = chooseItem(state, state.lines[1].key, HOSTING);
    expect(state.lines[1].unitPrice).toBe('102.00');
  });

  it('sets the due date from a term with days', () => {
    const state = applyTerm(usState(), { id: '3', name: 'Net 30', dueDays: 30 });
    expect([state.termId, state.dueDate]).toEqual(['3', '2026-12-22']);
    expect(applyTerm(state, { id: '9', name: 'Due on receipt', dueDays: null }).dueDate).toBe('2026-12-22');
    expect(applyTerm(state, undefined).termId).toBe('');
  });
});

describe('buildCreateBody', () => {
  it('builds the POST /card/documents body for an invoice for the matched customer', () => {
    let state = usState();
    state = chooseItem(state, state.lines[1].key, HOSTING);
    state = updateLine(state, state.lines[0].key, { serviceDate: '2026-11-20', taxCodeId: 'ignored-in-the-us' });
    state = { ...applyTerm(state, { id: '3', name: 'Net 30', dueDays: 30 }), message: '  Thank you  ' };

    expect(buildCreateBody(state, 'deals', '401')).toEqual({
      idempotencyKey: KEY,
      realmId: US.realmId,
      objectType: 'deals',
      objectId: '401',
      type: 'invoice',
      customer: { id: '58' },
      lines: [
        { itemId: CONSULTING.id, description: 'Consulting hours', quantity: '2', unitPrice: '150.00', serviceDate: '2026-11-20' },
        { itemId: HOSTING.id, description: 'Setup', quantity: '1', unitPrice: '102.00' },
      ],
      termId: '3',
      txnDate: '2026-11-22',
      dueDate: '2026-12-22',
      message: 'Thank you',
    });
  });

  it('sends a new customer, tax codes and the document number where the company needs them', () => {
    let state = ukState();
    state = updateLine(state, state.lines[0].key, { taxCodeId: '2', description: '' });
    state = { ...state, type: 'sales_receipt', termId: '3', dueDate: '2026-12-22', docNumber: ' MC-0009 ' };
    if (state.customer.kind !== 'new') throw new Error('expected a new customer');
    state = { ...state, customer: { kind: 'new', fields: { ...state.customer.fields, companyName: ' ', displayName: ' Jane Doe ' } } };

    expect(buildCreateBody(state, 'contacts', '51')).toEqual({
      idempotencyKey: KEY,
      realmId: UK.realmId,
      objectType: 'contacts',
      objectId: '51',
      type: 'sales_receipt',
      customer: { new: { displayName: 'Jane Doe', givenName: 'Jane', familyName: 'Doe', email: 'jane@doe.example' } },
      lines: [{ itemId: CONSULTING.id, quantity: '3', unitPrice: '100.00', taxCodeId: '2' }],
      txnDate: '2026-11-22',
      docNumber: 'MC-0009',
    });
  });

  it('uses a customer picked from the search', () => {
    let state = usState();
    state = chooseItem(state, state.lines[1].key, HOSTING);
    state = { ...state, customer: { kind: 'existing', customer: { id: '77', displayName: 'Globex', email: null, currency: 'USD' } } };
    expect(buildCreateBody(state, 'deals', '401').customer).toEqual({ id: '77' });
  });

  it('refuses an incomplete form', () => {
    expect(() => buildCreateBody(usState(), 'deals', '401')).toThrow('Lines & tax');
  });
});

describe('new QuickBooks products (B4)', () => {
  const withNames = (createItems: boolean) =>
    usDraft({
      createItems,
      lines: usDraft().lines.map((line, i) => ({ ...line, name: i === 0 ? 'Consulting hours' : 'Setup fee' })),
    });

  it('offers to create the product of an unmatched line only when the draft allows it', () => {
    const off = applyDraft(newWizard(KEY, US.realmId), withNames(false), { source: 'deal' });
    expect(off.lines.map((line) => line.newItem)).toEqual([null, null]);
    expect(firstInvalidStep(off, 'deals')).toBe('lines');
    const on = applyDraft(newWizard(KEY, US.realmId), withNames(true), { source: 'deal' });
    expect(on.lines.map((line) => line.newItem)).toEqual([null, { name: 'Setup fee', sku: 'SETUP' }]);
    expect(firstInvalidStep(on, 'deals')).toBeNull();
    expect(buildCreateBody(on, 'deals', '401').lines[1]).toEqual({
      newItem: { name: 'Setup fee', sku: 'SETUP' },
      description: 'Setup',
      quantity: '1',
      unitPrice: '102.00',
    });
  });

  it('sends the existing product once one is chosen, and the new one again when the user goes back to it', () => {
    let state = applyDraft(newWizard(KEY, US.realmId), withNames(true), { source: 'deal' });
    const key = state.lines[1].key;
    state = chooseItem(state, key, HOSTING);
    expect(buildCreateBody(state, 'deals', '401').lines[1]).toMatchObject({ itemId: HOSTING.id });
    expect(buildCreateBody(state, 'deals', '401').lines[1]).not.toHaveProperty('newItem');
    state = chooseNewItem(state, key);
    expect(buildCreateBody(state, 'deals', '401').lines[1]).toMatchObject({ newItem: { name: 'Setup fee' } });
    expect(buildCreateBody(state, 'deals', '401').lines[1]).not.toHaveProperty('itemId');
  });
});

describe('deposit, percentage and balance invoices (B9)', () => {
  const valid = () => {
    const state = usState();
    return chooseItem(state, state.lines[1].key, HOSTING);
  };

  it('bills the whole deal unless a portion is chosen', () => {
    expect(valid().portion).toEqual({ kind: 'full' });
    expect(buildCreateBody(valid(), 'deals', '401')).not.toHaveProperty('portion');
  });

  it('validates the percentage and the amount on the details step', () => {
    const at = (portion: WizardState['portion']) => validateStep({ ...valid(), portion }, 'details');
    expect(at({ kind: 'percent', percent: '30' })).toEqual({});
    expect(at({ kind: 'percent', percent: '100' })).toEqual({});
    for (const percent of ['0', '100.5', '-5', 'abc', '']) {
      expect(at({ kind: 'percent', percent })).toEqual({ portion: 'Enter a percentage above 0 and at most 100, such as 30.' });
    }
    expect(at({ kind: 'amount', amount: '400.00' })).toEqual({});
    for (const amount of ['0', '1.001', '-1', '1e3']) {
      expect(at({ kind: 'amount', amount })).toEqual({ portion: 'Enter an amount above 0 such as 500.00.' });
    }
    expect(at({ kind: 'amount', amount: '402.01' })).toEqual({ portion: 'The amount is more than the lines add up to.' });
    expect(at({ kind: 'balance' })).toEqual({});
    // Estimates and sales receipts bill no portion, so nothing to check.
    expect(validateStep({ ...valid(), type: 'estimate', portion: { kind: 'percent', percent: '0' } }, 'details')).toEqual({});
  });

  it('sends the portion for invoices of deals only, and previews what it bills before tax', () => {
    const deposit: WizardState = { ...valid(), portion: { kind: 'percent', percent: ' 30 ' } };
    expect(portionAmount(deposit)).toBe('120.60');
    expect(buildCreateBody(deposit, 'deals', '401').portion).toEqual({ kind: 'percent', percent: '30' });
    expect(buildCreateBody({ ...deposit, type: 'estimate' }, 'deals', '401')).not.toHaveProperty('portion');
    expect(buildCreateBody(deposit, 'contacts', '51')).not.toHaveProperty('portion');
    expect(portionAmount({ ...valid(), portion: { kind: 'percent', percent: '33.333' } })).toBe('134.00');
    const fixed: WizardState = { ...valid(), portion: { kind: 'amount', amount: '100' } };
    expect(portionAmount(fixed)).toBe('100.00');
    expect(buildCreateBody(fixed, 'deals', '401').portion).toEqual({ kind: 'amount', amount: '100' });
    const balance: WizardState = { ...valid(), portion: { kind: 'balance' } };
    expect(portionAmount(balance)).toBeNull();
    expect(buildCreateBody(balance, 'deals', '401').portion).toEqual({ kind: 'balance' });
    // The lines go along whole: the backend works out each line's share.
    expect(buildCreateBody(deposit, 'deals', '401').lines.map((line) => line.unitPrice)).toEqual(['150.00', '102.00']);
  });
});

describe('amounts', () => {
  it('multiplies exactly and rounds half up to cents', () => {
    expect(lineAmount('2', '150.00')).toBe('300.00');
    expect(lineAmount('1.5', '0.10')).toBe('0.15');
    expect(lineAmount('3', '0.335')).toBe('1.01');
    expect(lineAmount('0.1', '0.2')).toBe('0.02');
    expect(lineAmount('2', 'abc')).toBeNull();
  });

  it('sums the lines, or gives null while one is not a number', () => {
    expect(subtotal([{ quantity: '2', unitPrice: '150.00' }, { quantity: '1', unitPrice: '102' }])).toBe('402.00');
    expect(subtotal([])).toBe('0.00');
    expect(subtotal([{ quantity: '', unitPrice: '1' }])).toBeNull();
  });
});

describe('dates and keys', () => {
  it('validates calendar dates and adds days across months', () => {
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('2026-02-29')).toBe(false);
    expect(isDate('2026-1-05')).toBe(false);
    expect(addDays('2026-12-15', 30)).toBe('2027-01-14');
  });

  it("converts to and from HubSpot's DateInput value (months from 0)", () => {
    expect(toBaseDate('2026-11-22')).toEqual({ year: 2026, month: 10, date: 22 });
    expect(toBaseDate('')).toBeUndefined();
    expect(fromBaseDate({ year: 2026, month: 0, date: 5 })).toBe('2026-01-05');
    expect(fromBaseDate(null)).toBe('');
  });

  it('generates a fresh v4 UUID per run', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(a);
    expect(newWizard().idempotencyKey).not.toBe(newWizard().idempotencyKey);
  });
});
