import { describe, expect, it } from 'vitest';
import { canPreview, canSend, companyHealth, documentTypeLabel, formatMoney, statusTag } from '@hubspot-quickbooks/shared/documents';

describe('statusTag', () => {
  it.each([
    ['awaiting_send', 'warning', 'Awaiting send'],
    ['sent', 'info', 'Sent'],
    ['partially_paid', 'info', 'Partially paid'],
    ['paid_in_full', 'success', 'Paid in full'],
    ['overdue', 'danger', 'Overdue'],
    ['voided', 'default', 'Voided'],
    ['pending', 'info', 'Pending'],
    ['accepted', 'success', 'Accepted'],
    ['closed', 'default', 'Closed'],
    ['rejected', 'danger', 'Rejected'],
    ['paid', 'success', 'Paid'],
    ['deleted', 'danger', 'Deleted'],
  ])('shows %s as a %s tag "%s"', (status, variant, label) => {
    expect(statusTag({ status, statusLabel: null })).toEqual({ variant, label });
  });

  it("prefers the backend's label and keeps the status's colour", () => {
    expect(statusTag({ status: 'sent', statusLabel: 'Sent to customer' })).toEqual({ variant: 'info', label: 'Sent to customer' });
  });

  it('shows an unknown status neutrally instead of failing', () => {
    expect(statusTag({ status: 'deposit_received', statusLabel: null })).toEqual({ variant: 'default', label: 'Deposit received' });
    expect(statusTag({ status: 'deposit_received', statusLabel: '  ' }).label).toBe('Deposit received');
  });
});

describe('companyHealth', () => {
  it.each([
    ['active', 'success', 'Connected'],
    ['reconnect_needed', 'warning', 'Reconnect needed'],
    ['disconnected', 'default', 'Disconnected'],
    ['suspended', 'default', 'Suspended'],
  ])('%s → %s %s', (status, variant, label) => {
    expect(companyHealth({ status })).toEqual({ variant, label });
  });
});

describe('formatMoney', () => {
  it('formats decimal strings with the currency', () => {
    expect(formatMoney('402.00', 'USD')).toBe('$402.00');
    expect(formatMoney('1402.5', 'USD')).toBe('$1,402.50');
    expect(formatMoney('1234.56', 'GBP')).toBe('£1,234.56');
    expect(formatMoney('0', 'EUR')).toBe('€0.00');
    expect(formatMoney('-15.00', 'USD')).toBe('-$15.00');
  });

  it('uses the locale it is given', () => {
    expect(formatMoney('1234.5', 'EUR', 'de-DE')).toMatch(/^1\.234,50\s€$/);
  });

  it('falls back to the code for a currency Intl does not know, and to the raw text for a non-number', () => {
    expect(formatMoney('10.00', 'ZZZZ')).toBe('10.00 ZZZZ');
    expect(formatMoney('ten', 'USD')).toBe('ten USD');
    expect(formatMoney('10', null)).toBe('10.00');
  });

  it('shows a dash for no amount', () => {
    expect(formatMoney(null, 'USD')).toBe('—');
    expect(formatMoney('', 'USD')).toBe('—');
  });
});

describe('document types and actions', () => {
  it('labels the three document types', () => {
    expect(['invoice', 'estimate', 'sales_receipt'].map(documentTypeLabel)).toEqual(['Invoice', 'Estimate', 'Sales receipt']);
  });

  it('offers Send only for invoices not sent yet', () => {
    expect(canSend({ type: 'invoice', status: 'awaiting_send' })).toBe(true);
    expect(canSend({ type: 'invoice', status: 'sent' })).toBe(false);
    expect(canSend({ type: 'invoice', status: 'overdue' })).toBe(false);
    expect(canSend({ type: 'estimate', status: 'awaiting_send' })).toBe(false);
  });

  it('offers no preview of a document deleted in QuickBooks', () => {
    expect(canPreview({ status: 'deleted' })).toBe(false);
    expect(canPreview({ status: 'voided' })).toBe(true);
  });
});
