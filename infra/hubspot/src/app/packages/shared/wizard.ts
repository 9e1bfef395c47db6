// The create wizard's state, validation and request body (I3–I8, I13, B2), kept free of React so the rules are
// unit-tested directly. The components only render a WizardState and call these functions.
import type {
  CreateDocumentBody,
  CreateLine,
  Customer,
  DocumentType,
  Draft,
  DraftSource,
  Item,
  NewItem,
  Portion,
  ProposedCustomer,
  RecordObjectType,
  Term,
} from './card';

export type StepId = 'company' | 'source' | 'customer' | 'lines' | 'details' | 'review';

export const STEP_LABELS: Record<StepId, string> = {
  company: 'Company',
  source: 'Source',
  customer: 'Customer',
  lines: 'Lines & tax',
  details: 'Details',
  review: 'Review',
};

/** Quotes only exist on deals; contacts and companies start from scratch (I3). */
export function stepsFor(objectType: RecordObjectType): StepId[] {
  return objectType === 'deals'
    ? ['company', 'source', 'customer', 'lines', 'details', 'review']
    : ['company', 'customer', 'lines', 'details', 'review'];
}

export type CustomerChoice =
  /** The customer the backend matched (draft.customer.match). */
  | { kind: 'match' }
  /** One the user picked from GET /card/customers. */
  | { kind: 'existing'; customer: Customer | null }
  /** A new QuickBooks customer, starting from draft.customer.proposed. */
  | { kind: 'new'; fields: ProposedCustomer };

export interface LineState {
  /** Stable React key; never sent. */
  key: string;
  /** The HubSpot line item's SKU, shown to help pick the QuickBooks item; never sent. */
  sku: string;
  item: Item | null;
  /**
   * The QuickBooks product to create for the line (B4), offered when no product matches and the draft allows it;
   * used while no existing `item` is chosen.
   */
  newItem: NewItem | null;
  description: string;
  quantity: string;
  unitPrice: string;
  /** YYYY-MM-DD or '' for none. */
  serviceDate: string;
  /** '' for none. */
  taxCodeId: string;
}

export interface WizardState {
  /** One per wizard run: every create attempt of this run sends it, so a retry can never duplicate. */
  idempotencyKey: string;
  realmId: string;
  source: DraftSource;
  /** The draft the form was last filled from, for `source` and `realmId`. */
  draft: Draft | null;
  type: DocumentType;
  customer: CustomerChoice;
  lines: LineState[];
  termId: string;
  txnDate: string;
  dueDate: string;
  message: string;
  docNumber: string;
  /** What part of the deal an invoice bills (B9). */
  portion: PortionChoice;
}

/** What part of the deal the invoice bills (B9); `full` sends no portion. */
export type PortionChoice = { kind: 'full' } | Portion;

export type FieldErrors = Record<string, string>;

let lineCounter = 0;
const nextLineKey = () => `line-${++lineCounter}`;

export function newIdempotencyKey(): string {
  const cryptoApi = (globalThis as { crypto?: Crypto }).crypto;
  if (cryptoApi && typeof cryptoApi.randomUUID === 'function') return cryptoApi.randomUUID();
  // RFC 4122 version 4 from getRandomValues (or, as a last resort, Math.random).
  const bytes = new Uint8Array(16);
  if (cryptoApi && typeof cryptoApi.getRandomValues === 'function') cryptoApi.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function newWizard(idempotencyKey: string = newIdempotencyKey(), realmId = ''): WizardState {
  return {
    idempotencyKey,
    realmId,
    source: { source: 'deal' },
    draft: null,
    type: 'invoice',
    customer: { kind: 'new', fields: { displayName: '' } },
    lines: [],
    termId: '',
    txnDate: '',
    dueDate: '',
    message: '',
    docNumber: '',
    portion: { kind: 'full' },
  };
}

export function emptyLine(): LineState {
  return {
    key: nextLineKey(),
    sku: '',
    item: null,
    newItem: null,
    description: '',
    quantity: '1',
    unitPrice: '',
    serviceDate: '',
    taxCodeId: '',
  };
}

/**
 * Fills the form from a freshly loaded draft: the matched customer preselected (else the proposed new one), the
 * draft's lines with their suggested items, the next document number when QuickBooks uses custom numbers (I13).
 * The run's idempotency key and chosen document type are kept.
 */
export function applyDraft(state: WizardState, draft: Draft, source: DraftSource): WizardState {
  return {
    ...state,
    realmId: draft.company.realmId,
    source,
    draft,
    customer: draft.customer.match ? { kind: 'match' } : { kind: 'new', fields: proposedCustomer(draft) },
    lines: draft.lines.map((line) => ({
      key: nextLineKey(),
      sku: line.sku ?? '',
      item: line.suggestedItem ?? null,
      newItem: proposedNewItem(draft, line),
      description: line.description ?? '',
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      serviceDate: '',
      taxCodeId: '',
    })),
    termId: '',
    txnDate: draft.txnDate,
    dueDate: '',
    docNumber: draft.company.customTxnNumbers ? (draft.nextDocNumber ?? '') : '',
  };
}

/** The new-customer form's first fields: the proposed ones, or empty when the record names no person. */
export function proposedCustomer(draft: Draft | null): ProposedCustomer {
  return { ...(draft?.customer.proposed ?? { displayName: '' }) };
}

/**
 * The product to create for a draft line no QuickBooks product matches, when the settings create products (B4):
 * named and SKU'd as the HubSpot line item.
 */
export function proposedNewItem(draft: Draft, line: Draft['lines'][number]): NewItem | null {
  const name = (line.name ?? '').trim();
  if (!draft.createItems || line.suggestedItem || !name) return null;
  return line.sku ? { name, sku: line.sku } : { name };
}

/** Picking a term with a number of days sets the due date from the invoice date, as QuickBooks does. */
export function applyTerm(state: WizardState, term: Term | undefined): WizardState {
  if (!term) return { ...state, termId: '' };
  const due = term.dueDays !== null && isDate(state.txnDate) ? addDays(state.txnDate, term.dueDays) : state.dueDate;
  return { ...state, termId: term.id, dueDate: due };
}

export function updateLine(state: WizardState, key: string, patch: Partial<Omit<LineState, 'key' | 'sku'>>): WizardState {
  return { ...state, lines: state.lines.map((line) => (line.key === key ? { ...line, ...patch } : line)) };
}

/** Choosing an item fills the price from QuickBooks only when the line has none yet (a quote's price wins). */
export function chooseItem(state: WizardState, key: string, item: Item | null): WizardState {
  const line = state.lines.find((candidate) => candidate.key === key);
  if (!line) return state;
  const unitPrice = line.unitPrice.trim() === '' && item?.unitPrice ? item.unitPrice : line.unitPrice;
  return updateLine(state, key, { item, unitPrice });
}

/** Back to creating the line's offered product (B4) instead of an existing one. */
export function chooseNewItem(state: WizardState, key: string): WizardState {
  return updateLine(state, key, { item: null });
}

export function addLine(state: WizardState): WizardState {
  return { ...state, lines: [...state.lines, emptyLine()] };
}

export function removeLine(state: WizardState, key: string): WizardState {
  return { ...state, lines: state.lines.filter((line) => line.key !== key) };
}

// ---- validation ----------------------------------------------------------------------------------------------

const DECIMAL = /^\d+(\.\d+)?$/;
const MONEY = /^\d+(\.\d{1,2})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** QuickBooks limits: DocNumber 21 characters, CustomerMemo 1000, DisplayName 500. */
export const MAX_DOC_NUMBER = 21;
export const MAX_MESSAGE = 1000;
export const MAX_DISPLAY_NAME = 500;

export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  const time = new Date(`${date}T00:00:00Z`);
  time.setUTCDate(time.getUTCDate() + days);
  return time.toISOString().slice(0, 10);
}

/** The customer the document will be for, or null when none is chosen yet. */
export function chosenCustomer(state: WizardState): { id: string; displayName: string } | { new: ProposedCustomer } | null {
  switch (state.customer.kind) {
    case 'match':
      return state.draft?.customer.match ?? null;
    case 'existing':
      return state.customer.customer;
    case 'new':
      return { new: state.customer.fields };
  }
}

/** Errors of one step, keyed by field (`lines.<key>.quantity` for a line's field); empty when the step is valid. */
export function validateStep(state: WizardState, step: StepId): FieldErrors {
  const errors: FieldErrors = {};
  const draft = state.draft;
  switch (step) {
    case 'company':
      if (!state.realmId) errors.realmId = 'Choose a QuickBooks company.';
      break;
    case 'source':
      if (state.source.source === 'quote') {
        const quoteId = state.source.quoteId;
        const quote = draft?.quotes.find((candidate) => candidate.id === quoteId);
        if (!quote) errors.source = 'Choose a quote.';
        else if (!quote.usable) errors.source = quote.reason ?? 'This quote cannot be used: only published, unexpired quotes can.';
      }
      break;
    case 'customer': {
      const choice = state.customer;
      if (choice.kind === 'match' && !draft?.customer.match) errors.customer = 'No matching customer: choose or create one.';
      if (choice.kind === 'existing' && !choice.customer) errors.customer = 'Choose a QuickBooks customer.';
      if (choice.kind === 'new') {
        const name = choice.fields.displayName.trim();
        if (!name) errors['customer.displayName'] = 'Enter the customer’s display name.';
        else if (name.length > MAX_DISPLAY_NAME) errors['customer.displayName'] = `At most ${MAX_DISPLAY_NAME} characters.`;
        const email = choice.fields.email?.trim();
        if (email && !EMAIL.test(email)) errors['customer.email'] = 'Enter a valid e-mail address, or leave it empty.';
      }
      break;
    }
    case 'lines':
      if (state.lines.length === 0) errors.lines = 'Add at least one line.';
      for (const line of state.lines) {
        const at = (field: string) => `lines.${line.key}.${field}`;
        if (!line.item && !line.newItem) errors[at('item')] = 'Choose a QuickBooks product or service.';
        if (!DECIMAL.test(line.quantity.trim()) || Number(line.quantity) <= 0) errors[at('quantity')] = 'Enter a quantity above 0.';
        if (!DECIMAL.test(line.unitPrice.trim())) errors[at('unitPrice')] = 'Enter a price such as 150.00.';
        if (line.serviceDate && !isDate(line.serviceDate)) errors[at('serviceDate')] = 'Enter a date as YYYY-MM-DD.';
        if (draft?.company.lineTaxCodesRequired && !line.taxCodeId) errors[at('taxCodeId')] = 'Choose a tax code.';
      }
      break;
    case 'details':
      if (state.txnDate && !isDate(state.txnDate)) errors.txnDate = 'Enter a date as YYYY-MM-DD.';
      if (state.type === 'invoice' && state.dueDate) {
        if (!isDate(state.dueDate)) errors.dueDate = 'Enter a date as YYYY-MM-DD.';
        else if (isDate(state.txnDate) && state.dueDate < state.txnDate) errors.dueDate = 'The due date is before the invoice date.';
      }
      if (state.message.length > MAX_MESSAGE) errors.message = `At most ${MAX_MESSAGE} characters.`;
      if (draft?.company.customTxnNumbers && !state.docNumber.trim()) {
        errors.docNumber = 'QuickBooks uses custom transaction numbers here: enter a document number.';
      }
      if (state.docNumber.trim().length > MAX_DOC_NUMBER) errors.docNumber = `At most ${MAX_DOC_NUMBER} characters.`;
      if (state.type === 'invoice') {
        const portion = state.portion;
        if (portion.kind === 'percent') {
          const percent = portion.percent.trim();
          if (!DECIMAL.test(percent) || Number(percent) <= 0 || Number(percent) > 100) {
            errors.portion = 'Enter a percentage above 0 and at most 100, such as 30.';
          }
        }
        if (portion.kind === 'amount') {
          const amount = portion.amount.trim();
          if (!MONEY.test(amount) || Number(amount) <= 0) errors.portion = 'Enter an amount above 0 such as 500.00.';
          else if (isAbove(amount, subtotal(state.lines))) errors.portion = 'The amount is more than the lines add up to.';
        }
      }
      break;
    case 'review':
      break;
  }
  return errors;
}

/** The first step (in the record's order) that has errors, or null when the whole form is valid. */
export function firstInvalidStep(state: WizardState, objectType: RecordObjectType): StepId | null {
  for (const step of stepsFor(objectType)) {
    if (Object.keys(validateStep(state, step)).length > 0) return step;
  }
  return null;
}

/** Where to send the user to fix what the backend refused (API.md error codes). */
export function stepForError(code: string): StepId | null {
  switch (code) {
    case 'tax_code_required':
    case 'item_not_found':
    case 'item_not_matched':
      return 'lines';
    case 'duplicate_doc_number':
      return 'details';
    case 'reconnect_needed':
      return 'company';
    default:
      return null;
  }
}

// ---- request body ------------------------------------------------------------------------------------------------

/** The POST /card/documents body; throws if the form is not valid (callers validate first). */
export function buildCreateBody(state: WizardState, objectType: RecordObjectType, objectId: string): CreateDocumentBody {
  const invalid = firstInvalidStep(state, objectType);
  if (invalid) throw new Error(`the ${STEP_LABELS[invalid]} step is not complete`);
  const customer = chosenCustomer(state)!;
  const lineTaxCodes = state.draft?.company.lineTaxCodesRequired ?? false;

  const body: CreateDocumentBody = {
    idempotencyKey: state.idempotencyKey,
    realmId: state.realmId,
    objectType,
    objectId,
    type: state.type,
    customer: 'new' in customer ? { new: cleanCustomer(customer.new) } : { id: customer.id },
    lines: state.lines.map((line) => {
      const product: Pick<CreateLine, 'itemId' | 'newItem'> = line.item ? { itemId: line.item.id } : { newItem: line.newItem! };
      const out: CreateLine = { ...product, quantity: line.quantity.trim(), unitPrice: line.unitPrice.trim() };
      if (line.description.trim()) out.description = line.description.trim();
      if (line.serviceDate) out.serviceDate = line.serviceDate;
      // A tax code only goes along where the company needs one per line (I6); US companies compute sales tax.
      if (lineTaxCodes && line.taxCodeId) out.taxCodeId = line.taxCodeId;
      return out;
    }),
  };
  // Terms and a due date belong to invoices; estimates and sales receipts have neither.
  if (state.type === 'invoice') {
    if (state.termId) body.termId = state.termId;
    if (state.dueDate) body.dueDate = state.dueDate;
  }
  if (state.txnDate) body.txnDate = state.txnDate;
  if (state.message.trim()) body.message = state.message.trim();
  if (state.docNumber.trim()) body.docNumber = state.docNumber.trim();
  const portion = sentPortion(state, objectType);
  if (portion) body.portion = portion;
  return body;
}

/** The portion a create sends: only for invoices of deals (the backend bills it out of the deal's lines). */
function sentPortion(state: WizardState, objectType: RecordObjectType): Portion | null {
  if (state.type !== 'invoice' || objectType !== 'deals') return null;
  const portion = state.portion;
  switch (portion.kind) {
    case 'full':
      return null;
    case 'percent':
      return { kind: 'percent', percent: portion.percent.trim() };
    case 'amount':
      return { kind: 'amount', amount: portion.amount.trim() };
    case 'balance':
      return { kind: 'balance' };
  }
}

/**
 * What a percentage or fixed-amount invoice bills before tax, for the review (the backend computes the same,
 * rounded half up to cents); null for the whole deal, the balance (it depends on earlier invoices) or while the
 * input is not valid.
 */
export function portionAmount(state: WizardState): string | null {
  const total = subtotal(state.lines);
  const portion = state.portion;
  if (total === null) return null;
  if (portion.kind === 'amount') return MONEY.test(portion.amount.trim()) ? lineAmount('1', portion.amount) : null;
  if (portion.kind !== 'percent') return null;
  // total × percent / 100, exactly, rounded half up to cents once (as the backend does).
  const t = parseDecimal(total);
  const p = parseDecimal(portion.percent);
  return t && p ? toCents(t.units * p.units, t.scale + p.scale + 2) : null;
}

function isAbove(amount: string, total: string | null): boolean {
  if (total === null) return false;
  const cents = (value: string) => parseDecimal(lineAmount('1', value) ?? '0')!.units;
  return cents(amount) > cents(total);
}

function cleanCustomer(fields: ProposedCustomer): ProposedCustomer {
  const out: ProposedCustomer = { displayName: fields.displayName.trim() };
  for (const key of ['givenName', 'familyName', 'companyName', 'email'] as const) {
    const value = fields[key]?.trim();
    if (value) out[key] = value;
  }
  return out;
}

// ---- amounts -------------------------------------------------------------------------------------------------

/** quantity × unit price as a decimal string rounded half-up to cents, computed exactly (no floating point). */
export function lineAmount(quantity: string, unitPrice: string): string | null {
  const q = parseDecimal(quantity);
  const p = parseDecimal(unitPrice);
  if (!q || !p) return null;
  return toCents(q.units * p.units, q.scale + p.scale);
}

/** The sum of the lines before tax (QuickBooks adds tax), or null if a line is not a valid number yet. */
export function subtotal(lines: Pick<LineState, 'quantity' | 'unitPrice'>[]): string | null {
  let cents = 0n;
  for (const line of lines) {
    const amount = lineAmount(line.quantity, line.unitPrice);
    if (amount === null) return null;
    cents += parseDecimal(amount)!.units;
  }
  return formatCents(cents);
}

function parseDecimal(value: string): { units: bigint; scale: number } | null {
  const text = value.trim();
  if (!DECIMAL.test(text)) return null;
  const [whole, fraction = ''] = text.split('.');
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

function toCents(units: bigint, scale: number): string {
  if (scale <= 2) return formatCents(units * 10n ** BigInt(2 - scale));
  const divisor = 10n ** BigInt(scale - 2);
  const rounded = (units + divisor / 2n) / divisor;
  return formatCents(rounded);
}

function formatCents(cents: bigint): string {
  const text = cents.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

// ---- DateInput bridge ----------------------------------------------------------------------------------------

/** HubSpot's DateInput value ({ year, month from 0, date }) for a YYYY-MM-DD string; undefined when empty/invalid. */
export function toBaseDate(value: string): { year: number; month: number; date: number } | undefined {
  if (!isDate(value)) return undefined;
  const [year, month, date] = value.split('-').map(Number);
  return { year, month: month - 1, date };
}

/** YYYY-MM-DD for a DateInput change (null or missing parts when the user cleared the field → ''). */
export function fromBaseDate(value: { year: number; month: number; date: number } | null | undefined): string {
  if (!value || ![value.year, value.month, value.date].every(Number.isInteger)) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = `${String(value.year).padStart(4, '0')}-${pad(value.month + 1)}-${pad(value.date)}`;
  return isDate(text) ? text : '';
}
