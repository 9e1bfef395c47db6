// Client for the backend's invoice-card API (`/card/…`, functions/invoice-card/API.md). Like the connections
// client it takes a fetch-like function: the card passes hubspot.fetch (which signs each request and appends
// portalId), tests pass a fake. Every failure becomes a CardApiError carrying the backend's code and its
// user-facing message.
import { ApiError, callApi, isObject, type FetchLike, type RequestOptions } from './api';
import { newIdempotencyKey } from './wizard';

export type RecordObjectType = 'deals' | 'contacts' | 'companies';
export type DocumentType = 'invoice' | 'estimate' | 'sales_receipt';

/** A QuickBooks company as the card sees it (status `reconnect_needed` when its authorization is dead). */
export interface CardCompany {
  realmId: string;
  name: string;
  environment: 'production' | 'sandbox';
  status: 'active' | 'reconnect_needed' | 'disconnected' | (string & {});
  lastSuccessAt: string | null;
}

export type DocumentStatus =
  | 'awaiting_send'
  | 'sent'
  | 'partially_paid'
  | 'paid_in_full'
  | 'overdue'
  | 'voided'
  | 'pending'
  | 'accepted'
  | 'closed'
  | 'rejected'
  | 'paid'
  | (string & {});

/** One QuickBooks document linked to the record. Money is a decimal string, dates are YYYY-MM-DD. */
export interface QboDocument {
  realmId: string;
  companyName: string;
  type: DocumentType;
  id: string;
  number: string | null;
  customerName: string | null;
  total: string;
  balance: string | null;
  currency: string;
  txnDate: string | null;
  dueDate: string | null;
  status: DocumentStatus;
  statusLabel: string | null;
  openUrl: string | null;
  currencyMismatch: boolean;
  currencyNote: string | null;
  updatedAt: string | null;
}

/** A record's answer (GET /card/records/…, and POST /card/links after linking). */
export interface RecordView {
  companies: CardCompany[];
  documents: QboDocument[];
  /**
   * What the user should know about these figures: a company that could not be asked keeps its saved figures
   * ("Showing saved figures for …"), a deal that was not fully updated from QuickBooks.
   */
  notices: string[];
}

export interface Customer {
  id: string;
  displayName: string;
  email: string | null;
  currency: string | null;
}

export interface Item {
  id: string;
  name: string;
  sku: string | null;
  unitPrice: string | null;
  taxable: boolean;
}

export interface ProposedCustomer {
  displayName: string;
  givenName?: string | null;
  familyName?: string | null;
  companyName?: string | null;
  email?: string | null;
}

export interface DraftCompany {
  realmId: string;
  name: string;
  country: string;
  homeCurrency: string;
  lineTaxCodesRequired: boolean;
  customTxnNumbers: boolean;
  multiCurrency: boolean;
}

export interface DraftQuote {
  id: string;
  title: string;
  expiresOn: string | null;
  usable: boolean;
  reason: string | null;
}

export interface DraftLine {
  /** The HubSpot line item's name: what a new QuickBooks product would be called (B4). */
  name?: string | null;
  description: string | null;
  sku: string | null;
  quantity: string;
  unitPrice: string;
  /** The line's net value as the deal has it: `quantity × unitPrice` to the cent. */
  amount: string;
  suggestedItem: Item | null;
}

export interface TaxCode {
  id: string;
  name: string;
}

export interface Term {
  id: string;
  name: string;
  dueDays: number | null;
}

/** What GET /card/draft proposes for a new document. */
export interface Draft {
  company: DraftCompany;
  quotes: DraftQuote[];
  customer: {
    match: Customer | null;
    matchedBy: 'email' | 'name' | null;
    /** null when the record names no person to propose (a contact or company without a name). */
    proposed: ProposedCustomer | null;
  };
  lines: DraftLine[];
  taxCodes: TaxCode[];
  terms: Term[];
  nextDocNumber: string | null;
  txnDate: string;
  /** A line without a QuickBooks product may create one (`newItem`): the settings allow it for this company (B4). */
  createItems?: boolean;
}

export type DraftSource = { source: 'deal' } | { source: 'quote'; quoteId: string };

/** A QuickBooks product to create for the line (B4): the HubSpot line item's name and SKU. */
export interface NewItem {
  name: string;
  sku?: string;
}

/** Each line names an existing product (`itemId`) or one to create (`newItem`). */
export interface CreateLine {
  itemId?: string;
  newItem?: NewItem;
  description?: string;
  quantity: string;
  unitPrice: string;
  serviceDate?: string;
  taxCodeId?: string;
}

/**
 * Part of the deal an invoice bills (B9): a percentage, a fixed amount before tax, or the balance earlier invoices
 * of the deal left. The lines stay the deal's; the backend scales them (API.md, "Deposit and balance invoices").
 */
export type Portion = { kind: 'percent'; percent: string } | { kind: 'amount'; amount: string } | { kind: 'balance' };

/** The body of POST /card/documents. */
export interface CreateDocumentBody {
  idempotencyKey: string;
  realmId: string;
  objectType: RecordObjectType;
  objectId: string;
  type: DocumentType;
  customer: { id: string } | { new: ProposedCustomer };
  lines: CreateLine[];
  termId?: string;
  txnDate?: string;
  dueDate?: string;
  message?: string;
  docNumber?: string;
  portion?: Portion;
}

export interface InvoiceSearch {
  number?: string;
  customer?: string;
  from?: string;
  to?: string;
}

export interface CardApi {
  companies(): Promise<CardCompany[]>;
  record(objectType: RecordObjectType, objectId: string): Promise<RecordView>;
  draft(realmId: string, objectType: RecordObjectType, objectId: string, source: DraftSource): Promise<Draft>;
  customers(realmId: string, q: string): Promise<Customer[]>;
  items(realmId: string, q: string): Promise<Item[]>;
  /** Creates the document; `created` is false when the backend recognised a repeat of the same idempotencyKey. */
  createDocument(body: CreateDocumentBody): Promise<{ document: QboDocument; created: boolean }>;
  /** With the record, the backend's saved copy and the deal's properties follow at once. */
  send(realmId: string, id: string, sendTo?: string, record?: { objectType: RecordObjectType; objectId: string }): Promise<QboDocument>;
  searchInvoices(realmId: string, search: InvoiceSearch): Promise<QboDocument[]>;
  /** Links the documents and answers the record's whole view, as a reload would. */
  link(
    realmId: string,
    objectType: RecordObjectType,
    objectId: string,
    documents: { type: DocumentType; id: string }[],
  ): Promise<RecordView>;
  /** A short-lived https link to the document's PDF. */
  preview(realmId: string, type: DocumentType, id: string): Promise<string>;
}

/** Every code the card API answers (held to the backend's `ErrorCode` by invoice-card/tests/contract.rs),
 * plus the card's own `network` and `unexpected_response`. */
export type CardErrorCode =
  | 'reconnect_needed'
  | 'tax_code_required'
  | 'customer_missing_email'
  | 'item_not_found'
  | 'item_not_matched'
  | 'duplicate_doc_number'
  | 'throttled'
  | 'busy'
  | 'rejected'
  | 'hubspot_access_denied'
  | 'hubspot_not_found'
  | 'hubspot_rejected'
  | 'conflict'
  | 'customer_not_found'
  | 'no_contact'
  | 'no_line_items'
  | 'paid_invoice_taxable'
  | 'quote_not_usable'
  | 'amount_out_of_range'
  | 'invalid_text'
  | 'invalid_days_until_due'
  | 'invalid_mapping'
  | 'duplicate_parameter'
  | 'bad_request'
  | 'unauthorized'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'not_found'
  | 'unknown_portal'
  | 'upstream'
  | 'internal'
  | 'network'
  | 'unexpected_response'
  | (string & {});

export class CardApiError extends ApiError<CardErrorCode> {
  constructor(code: CardErrorCode, message: string, status: number | null) {
    super('CardApiError', code, message, status);
  }
}

/** Maps HubSpot's object type id (context.crm.objectTypeId) to the card API's object type. */
export function objectTypeFromId(objectTypeId: string): RecordObjectType | null {
  switch (objectTypeId) {
    case '0-1':
      return 'contacts';
    case '0-2':
      return 'companies';
    case '0-3':
      return 'deals';
    default:
      return null;
  }
}

/** Attempts of a create or a send whose answer was lost, the first included. */
export const WRITE_ATTEMPTS = 4;
/** The wait before asking again while the first attempt may still be running on the backend. */
export const RECOVERY_DELAY_MS = 5_000;

export function createCardApi(
  baseUrl: string,
  fetch: FetchLike,
  { recoveryDelayMs = RECOVERY_DELAY_MS }: { recoveryDelayMs?: number } = {},
): CardApi {
  const root = `${baseUrl.replace(/\/+$/, '')}/card`;
  const url = (path: string, query?: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(key, value);
    }
    const search = params.toString();
    return `${root}${path}${search ? `?${search}` : ''}`;
  };

  const call = <T>(
    target: string,
    options: RequestOptions,
    field: string,
    pick: (body: Record<string, unknown>) => T | undefined,
  ) => callApi(fetch, target, options, field, pick, (code, message, status) => new CardApiError(code, message, status));

  // A create or send whose answer never came (hubspot.fetch timed out, the connection dropped) may still have
  // happened. Asking again with the same body, and so the same idempotency key, is safe: the backend answers a
  // repeat with what the first made, and QuickBooks replays the request id derived from the key. While the
  // first is still running the backend answers `busy`: wait, then ask again, a bounded number of times.
  const write = async <T>(
    target: string,
    options: RequestOptions,
    field: string,
    pick: (body: Record<string, unknown>) => T | undefined,
  ) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(target, options, field, pick);
      } catch (error) {
        const lost = error instanceof CardApiError && (error.code === 'network' || (attempt > 1 && error.code === 'busy'));
        if (!lost || attempt >= WRITE_ATTEMPTS) throw error;
        if (error.code === 'busy') await new Promise((resolve) => setTimeout(resolve, recoveryDelayMs));
      }
    }
  };

  const get = async <T>(target: string, field: string, pick: (body: Record<string, unknown>) => T | undefined) =>
    (await call(target, { method: 'GET' }, field, pick)).value;

  return {
    companies: () => get(url('/companies'), 'companies', (body) => arrayOf(body.companies, isCompany)),

    record: (objectType, objectId) =>
      get(url(`/records/${encodeURIComponent(objectType)}/${encodeURIComponent(objectId)}`), 'documents', recordView),

    draft: (realmId, objectType, objectId, source) =>
      get(
        url('/draft', {
          realmId,
          objectType,
          objectId,
          source: source.source,
          quoteId: source.source === 'quote' ? source.quoteId : undefined,
        }),
        'company',
        (body) => (isDraft(body) ? body : undefined),
      ),

    customers: (realmId, q) =>
      get(url('/customers', { realmId, q }), 'customers', (body) => arrayOf(body.customers, isCustomer)),

    items: (realmId, q) => get(url('/items', { realmId, q }), 'items', (body) => arrayOf(body.items, isItem)),

    createDocument: async (body) => {
      const { value, status } = await write(
        url('/documents'),
        { method: 'POST', body: body as unknown as Record<string, unknown> },
        'document',
        (answer) => (isDocument(answer.document) ? answer.document : undefined),
      );
      return { document: value, created: status === 201 };
    },

    send: async (realmId, id, sendTo, record) => {
      // One key per send: its retries are the same send, a later click is a new one.
      const body: Record<string, unknown> = { realmId, id, idempotencyKey: newIdempotencyKey() };
      if (sendTo) body.sendTo = sendTo;
      if (record) Object.assign(body, record);
      const { value } = await write(url('/documents/send'), { method: 'POST', body }, 'document', (answer) =>
        isDocument(answer.document) ? answer.document : undefined,
      );
      return value;
    },

    searchInvoices: (realmId, search) =>
      get(
        url('/invoices/search', {
          realmId,
          number: nonEmpty(search.number),
          customer: nonEmpty(search.customer),
          from: nonEmpty(search.from),
          to: nonEmpty(search.to),
        }),
        'invoices',
        (body) => arrayOf(body.invoices, isDocument),
      ),

    link: async (realmId, objectType, objectId, documents) =>
      (await call(url('/links'), { method: 'POST', body: { realmId, objectType, objectId, documents } }, 'documents', recordView))
        .value,

    preview: (realmId, type, id) =>
      get(url('/preview', { realmId, type, id }), 'url', (body) =>
        typeof body.url === 'string' && body.url.startsWith('https://') ? body.url : undefined,
      ),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function arrayOf<T>(value: unknown, check: (item: unknown) => item is T): T[] | undefined {
  return Array.isArray(value) && value.every(check) ? value : undefined;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isOptionalString = (value: unknown) => value === null || value === undefined || typeof value === 'string';

function recordView(body: Record<string, unknown>): RecordView | undefined {
  const companies = arrayOf(body.companies, isCompany);
  const documents = arrayOf(body.documents, isDocument);
  const notices = arrayOf(body.notices, isString);
  return companies && documents && notices ? { companies, documents, notices } : undefined;
}

// Only the fields the card cannot do without are checked: an unknown status still renders, neutrally.
function isCompany(value: unknown): value is CardCompany {
  return isObject(value) && isString(value.realmId) && isString(value.name) && isString(value.status);
}

function isDocument(value: unknown): value is QboDocument {
  return (
    isObject(value) &&
    isString(value.realmId) &&
    isString(value.id) &&
    isString(value.type) &&
    isString(value.status) &&
    isString(value.total) &&
    isOptionalString(value.number) &&
    isOptionalString(value.openUrl)
  );
}

function isCustomer(value: unknown): value is Customer {
  return isObject(value) && isString(value.id) && isString(value.displayName);
}

function isItem(value: unknown): value is Item {
  return isObject(value) && isString(value.id) && isString(value.name);
}

function isDraft(value: Record<string, unknown>): value is Record<string, unknown> & Draft {
  const { company, customer } = value;
  return (
    isObject(company) &&
    isString(company.realmId) &&
    typeof company.lineTaxCodesRequired === 'boolean' &&
    isObject(customer) &&
    (customer.match === null || isCustomer(customer.match)) &&
    (customer.proposed === null || isObject(customer.proposed)) &&
    Array.isArray(value.quotes) &&
    Array.isArray(value.lines) &&
    value.lines.every(
      (line) =>
        isObject(line) &&
        isString(line.quantity) &&
        isString(line.unitPrice) &&
        (line.suggestedItem === null || line.suggestedItem === undefined || isItem(line.suggestedItem)),
    ) &&
    Array.isArray(value.taxCodes) &&
    Array.isArray(value.terms) &&
    isString(value.txnDate)
  );
}
