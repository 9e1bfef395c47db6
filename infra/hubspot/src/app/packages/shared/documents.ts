// Pure presentation rules for QuickBooks documents on the card (I1, I2, I12, B2): status tags, money and
// document-type labels. No React here, so every rule is unit-tested on its own.
import type { CardCompany, DocumentType, QboDocument } from './card';

export type TagVariant = 'danger' | 'warning' | 'info' | 'success' | 'default';

export interface StatusTagView {
  variant: TagVariant;
  label: string;
}

// Invoices: awaiting send → sent → partially paid → paid in full, or overdue / voided (I2); any document
// deleted in QuickBooks shows red, its last known figures kept (B8).
// Estimates: pending, accepted, closed (converted), rejected. Sales receipts: paid.
const STATUS_TAGS: Record<string, StatusTagView> = {
  awaiting_send: { variant: 'warning', label: 'Awaiting send' },
  sent: { variant: 'info', label: 'Sent' },
  partially_paid: { variant: 'info', label: 'Partially paid' },
  paid_in_full: { variant: 'success', label: 'Paid in full' },
  overdue: { variant: 'danger', label: 'Overdue' },
  voided: { variant: 'default', label: 'Voided' },
  pending: { variant: 'info', label: 'Pending' },
  accepted: { variant: 'success', label: 'Accepted' },
  closed: { variant: 'default', label: 'Closed' },
  rejected: { variant: 'danger', label: 'Rejected' },
  paid: { variant: 'success', label: 'Paid' },
  deleted: { variant: 'danger', label: 'Deleted' },
};

/** The tag for a document's status: the backend's label if it sent one, a neutral tag for unknown statuses. */
export function statusTag(document: Pick<QboDocument, 'status' | 'statusLabel'>): StatusTagView {
  const known = STATUS_TAGS[document.status];
  const label = document.statusLabel?.trim() || known?.label || humanize(document.status);
  return { variant: known?.variant ?? 'default', label };
}

export function companyHealth(company: Pick<CardCompany, 'status'>): StatusTagView {
  switch (company.status) {
    case 'active':
      return { variant: 'success', label: 'Connected' };
    case 'reconnect_needed':
      return { variant: 'warning', label: 'Reconnect needed' };
    case 'disconnected':
      return { variant: 'default', label: 'Disconnected' };
    default:
      return { variant: 'default', label: humanize(company.status) };
  }
}

export const DOCUMENT_TYPE_LABELS: Record<DocumentType, string> = {
  invoice: 'Invoice',
  estimate: 'Estimate',
  sales_receipt: 'Sales receipt',
};

export function documentTypeLabel(type: string): string {
  return DOCUMENT_TYPE_LABELS[type as DocumentType] ?? humanize(type);
}

/** Send (B9) is offered for invoices QuickBooks has not sent yet. */
/** A document deleted in QuickBooks has no PDF to preview and no page to open. */
export function canPreview(document: Pick<QboDocument, 'status'>): boolean {
  return document.status !== 'deleted';
}

export function canSend(document: Pick<QboDocument, 'type' | 'status'>): boolean {
  return document.type === 'invoice' && document.status === 'awaiting_send';
}

/**
 * Formats a decimal-string amount ("1402.5") with its currency ("$1,402.50"). Falls back to "1402.5 XYZ" for an
 * amount or currency code Intl does not understand, so a surprise from the backend never breaks the card.
 */
export function formatMoney(amount: string | null | undefined, currency: string | null | undefined, locale = 'en-US'): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = Number(amount);
  if (!Number.isFinite(value) || !/^-?\d+(\.\d+)?$/.test(amount.trim())) {
    return currency ? `${amount} ${currency}` : amount;
  }
  if (currency) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
    } catch {
      // An unknown currency code: show the code instead of a symbol.
    }
  }
  const formatted = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  return currency ? `${formatted} ${currency}` : formatted;
}

function humanize(code: string): string {
  const text = code.replace(/_/g, ' ').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : 'Unknown';
}
