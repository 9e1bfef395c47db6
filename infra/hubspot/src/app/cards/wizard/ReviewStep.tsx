import {
  DescriptionList,
  DescriptionListItem,
  Flex,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import type { Draft } from '@hubspot-quickbooks/shared/card';
import { DOCUMENT_TYPE_LABELS, formatMoney } from '@hubspot-quickbooks/shared/documents';
import { type WizardState, chosenCustomer, lineAmount, portionAmount, subtotal } from '@hubspot-quickbooks/shared/wizard';
import { DATE_LABELS } from './fields';

interface Props {
  draft: Draft;
  state: WizardState;
  currency: string | null;
  /** Whether to say which part of the deal the invoice bills (B9). */
  portionShown: boolean;
}

/** Step 6: everything the document will say, before it is created. */
export function ReviewStep({ draft, state, currency, portionShown }: Props) {
  const customer = chosenCustomer(state);
  const taxCodes = new Map(draft.taxCodes.map((code) => [code.id, code.name]));
  const term = draft.terms.find((candidate) => candidate.id === state.termId);
  const customerText = !customer
    ? '—'
    : 'new' in customer
      ? `${customer.new.displayName} (new QuickBooks customer)`
      : customer.displayName;
  return (
    <Flex direction="column" gap="sm">
      <DescriptionList direction="row">
        <DescriptionListItem label="QuickBooks company">{draft.company.name}</DescriptionListItem>
        <DescriptionListItem label="Document">{DOCUMENT_TYPE_LABELS[state.type]}</DescriptionListItem>
        <DescriptionListItem label="Customer">{customerText}</DescriptionListItem>
        <DescriptionListItem label={DATE_LABELS[state.type]}>{state.txnDate || 'Today'}</DescriptionListItem>
        {state.type === 'invoice' ? (
          <DescriptionListItem label="Due date">{state.dueDate || (term ? term.name : 'QuickBooks default')}</DescriptionListItem>
        ) : (
          <></>
        )}
        <DescriptionListItem label="Number">{state.docNumber.trim() || 'Assigned by QuickBooks'}</DescriptionListItem>
        {portionShown ? <DescriptionListItem label="Invoice for">{portionText(state, currency)}</DescriptionListItem> : <></>}
      </DescriptionList>
      <Table bordered>
        <TableHead>
          <TableRow>
            <TableHeader>Product or service</TableHeader>
            <TableHeader>Description</TableHeader>
            <TableHeader>Quantity</TableHeader>
            <TableHeader>Unit price</TableHeader>
            {draft.company.lineTaxCodesRequired ? <TableHeader>Tax code</TableHeader> : <></>}
            <TableHeader>Amount</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {state.lines.map((line) => (
            <TableRow key={line.key}>
              <TableCell>{line.item?.name ?? (line.newItem ? `${line.newItem.name} (new)` : '—')}</TableCell>
              <TableCell>{line.description || '—'}</TableCell>
              <TableCell>{line.quantity}</TableCell>
              <TableCell>{formatMoney(line.unitPrice, currency)}</TableCell>
              {draft.company.lineTaxCodesRequired ? <TableCell>{taxCodes.get(line.taxCodeId) ?? '—'}</TableCell> : <></>}
              <TableCell>{formatMoney(lineAmount(line.quantity, line.unitPrice), currency)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Text format={{ fontWeight: 'demibold' }}>Subtotal before tax: {formatMoney(subtotal(state.lines), currency)}</Text>
      {state.message.trim() && <Text>Message: {state.message.trim()}</Text>}
      <Text variant="microcopy">The document is created in QuickBooks without being sent: nothing is e-mailed to the customer.</Text>
    </Flex>
  );
}

function portionText(state: WizardState, currency: string | null): string {
  const portion = state.portion;
  const amount = portionAmount(state);
  switch (portion.kind) {
    case 'full':
      return 'The whole deal';
    case 'percent':
      return `${portion.percent.trim()}% of the deal (${formatMoney(amount, currency)} before tax)`;
    case 'amount':
      return `A deposit of ${formatMoney(amount, currency)} before tax`;
    case 'balance':
      return 'The balance the earlier invoices left';
  }
}
