import { DateInput, Flex, Input, Select, Text, TextArea } from '@hubspot/ui-extensions';
import type { DocumentType } from '@hubspot-quickbooks/shared/card';
import { DOCUMENT_TYPE_LABELS, formatMoney } from '@hubspot-quickbooks/shared/documents';
import { type PortionChoice, type WizardState, applyTerm, fromBaseDate, portionAmount, toBaseDate } from '@hubspot-quickbooks/shared/wizard';
import { DATE_LABELS, type FieldErrorProps, type SetState, type StepProps } from './fields';

interface Props extends StepProps {
  currency: string | null;
  /** Whether an invoice may bill part of the record (B9): deals only. */
  portions: boolean;
}

const TYPE_OPTIONS = (Object.keys(DOCUMENT_TYPE_LABELS) as DocumentType[]).map((type) => ({
  label: DOCUMENT_TYPE_LABELS[type],
  value: type,
}));

/** Step 5: document type, date, terms and due date, the part of the deal billed, message, number (I13). */
export function DetailsStep({ draft, state, setState, fieldError, currency, portions }: Props) {
  return (
    <Flex direction="column" gap="sm">
      <Select
        name="type"
        label="Document type"
        required
        options={TYPE_OPTIONS}
        value={state.type}
        onChange={(value) => setState((current) => ({ ...current, type: value as DocumentType }))}
      />
      <DateInput
        name="txnDate"
        label={DATE_LABELS[state.type]}
        format="YYYY-MM-DD"
        value={toBaseDate(state.txnDate)}
        onChange={(value) => setState((current) => ({ ...current, txnDate: fromBaseDate(value) }))}
        {...fieldError('txnDate')}
      />
      {state.type === 'invoice' && (
        <>
          <Select
            name="termId"
            label="Terms"
            options={[{ label: 'None', value: '' }, ...draft.terms.map((term) => ({ label: term.name, value: term.id }))]}
            value={state.termId}
            onChange={(value) => setState((current) => applyTerm(current, draft.terms.find((term) => term.id === String(value))))}
          />
          <DateInput
            name="dueDate"
            label="Due date"
            format="YYYY-MM-DD"
            value={toBaseDate(state.dueDate)}
            onChange={(value) => setState((current) => ({ ...current, dueDate: fromBaseDate(value) }))}
            {...fieldError('dueDate')}
          />
        </>
      )}
      {state.type === 'invoice' && portions && (
        <PortionFields state={state} setState={setState} currency={currency} fieldError={fieldError} />
      )}
      <TextArea
        name="message"
        label="Message to the customer"
        value={state.message}
        onChange={(value) => setState((current) => ({ ...current, message: value }))}
        {...fieldError('message')}
      />
      {draft.company.customTxnNumbers && (
        <Input
          name="docNumber"
          label="Document number"
          required
          description="This QuickBooks company uses custom transaction numbers: this is the next free number. You can change it."
          value={state.docNumber}
          onChange={(value) => setState((current) => ({ ...current, docNumber: value }))}
          {...fieldError('docNumber')}
        />
      )}
    </Flex>
  );
}

const PORTION_OPTIONS: { label: string; value: PortionChoice['kind'] }[] = [
  { label: 'The whole deal', value: 'full' },
  { label: 'A percentage of the deal (deposit)', value: 'percent' },
  { label: 'A fixed amount (deposit)', value: 'amount' },
  { label: 'The balance: what earlier invoices of the deal did not bill', value: 'balance' },
];

function emptyPortion(kind: PortionChoice['kind']): PortionChoice {
  switch (kind) {
    case 'percent':
      return { kind, percent: '' };
    case 'amount':
      return { kind, amount: '' };
    default:
      return { kind };
  }
}

/** Deposit, percentage and balance invoices (B9): each line bills its share, with its own item and tax code. */
function PortionFields({
  state,
  setState,
  currency,
  fieldError,
}: {
  state: WizardState;
  setState: SetState;
  currency: string | null;
  fieldError: FieldErrorProps;
}) {
  const portion = state.portion;
  const amount = portionAmount(state);
  return (
    <Flex direction="column" gap="xs">
      <Select
        name="portion"
        label="Invoice for"
        options={PORTION_OPTIONS}
        value={portion.kind}
        onChange={(value) => setState((current) => ({ ...current, portion: emptyPortion(value as PortionChoice['kind']) }))}
      />
      {portion.kind === 'percent' && (
        <Input
          name="portionPercent"
          label="Percentage of the deal"
          required
          value={portion.percent}
          onChange={(value) => setState((current) => ({ ...current, portion: { kind: 'percent', percent: value } }))}
          {...fieldError('portion')}
        />
      )}
      {portion.kind === 'amount' && (
        <Input
          name="portionAmount"
          label={currency ? `Amount before tax (${currency})` : 'Amount before tax'}
          required
          value={portion.amount}
          onChange={(value) => setState((current) => ({ ...current, portion: { kind: 'amount', amount: value } }))}
          {...fieldError('portion')}
        />
      )}
      {portion.kind !== 'full' && (
        <Text variant="microcopy">
          {portion.kind === 'balance'
            ? 'Bills what the lines add up to, less what earlier invoices of this deal billed (before tax).'
            : `Bills ${amount === null ? 'this share' : formatMoney(amount, currency)} before tax: each line keeps its product and tax code and bills its share. Later, choose "The balance" for the rest.`}
        </Text>
      )}
    </Flex>
  );
}
