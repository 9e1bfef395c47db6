import { useState } from 'react';
import {
  Button,
  ButtonRow,
  Checkbox,
  DateInput,
  Flex,
  Heading,
  Inline,
  Input,
  LoadingSpinner,
  Select,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import type { CardApi, CardCompany, QboDocument, RecordObjectType, RecordView } from '@hubspot-quickbooks/shared/card';
import { formatMoney, statusTag } from '@hubspot-quickbooks/shared/documents';
import { fromBaseDate, toBaseDate } from '@hubspot-quickbooks/shared/wizard';
import { CardErrorAlert, asCardError } from './CardErrorAlert';
import { documentKey } from './DocumentTable';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';

interface Props {
  api: CardApi;
  companies: CardCompany[];
  /** Documents already on the record: shown as such in the results, not offered again. */
  linked: QboDocument[];
  objectType: RecordObjectType;
  objectId: string;
  onCancel(): void;
  /** The record's view after linking (its documents and notices), and how many were added. */
  onLinked(view: RecordView, added: number): void;
}

/** Add existing QuickBooks invoices to the record (I10): company, search, tick, add. */
export function AddExisting({ api, companies, linked, objectType, objectId, onCancel, onLinked }: Props) {
  const active = companies.filter((company) => company.status === 'active');
  const [realmId, setRealmId] = useState(active.length === 1 ? active[0].realmId : '');
  const [number, setNumber] = useState('');
  const [customer, setCustomer] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [results, setResults] = useState<QboDocument[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const { pending: loading, error, setError, run } = useRequest(asCardError);
  const [formError, setFormError] = useState<string | null>(null);

  const alreadyLinked = new Set(linked.map(documentKey));

  async function search() {
    setFormError(null);
    setError(null);
    if (!realmId) return setFormError('Choose a QuickBooks company.');
    if (from && to && to < from) return setFormError('The "to" date is before the "from" date.');
    await run('Searching QuickBooks invoices', async () => {
      setResults(await api.searchInvoices(realmId, { number, customer, from, to }));
      setSelected(new Set());
    });
  }

  async function add() {
    const picked = (results ?? []).filter((document) => selected.has(documentKey(document)));
    if (picked.length === 0) return;
    await run('Adding to this record', async () => {
      const view = await api.link(
        realmId,
        objectType,
        objectId,
        picked.map((document) => ({ type: document.type, id: document.id })),
      );
      onLinked(view, picked.length);
    });
  }

  const toggle = (key: string, checked: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (checked) next.add(key);
      else next.delete(key);
      return next;
    });

  return (
    <Flex direction="column" gap="md">
      <Heading>Add an existing QuickBooks invoice</Heading>
      {error && <CardErrorAlert error={error} testId="add-error" />}
      <Select
        name="realmId"
        label="QuickBooks company"
        required
        placeholder="Choose a company"
        options={active.map((company) => ({ label: company.name, value: company.realmId }))}
        value={realmId || undefined}
        onChange={(value) => {
          setRealmId(String(value));
          setResults(null);
          setSelected(new Set());
        }}
        error={formError === 'Choose a QuickBooks company.'}
        validationMessage={formError === 'Choose a QuickBooks company.' ? formError : undefined}
      />
      <Inline gap="sm" align="end">
        <Input name="number" label="Invoice number" value={number} onChange={setNumber} />
        <Input name="customer" label="Customer name contains" value={customer} onChange={setCustomer} />
      </Inline>
      <Inline gap="sm" align="end">
        <DateInput name="from" label="Invoice date from" format="YYYY-MM-DD" value={toBaseDate(from)} onChange={(value) => setFrom(fromBaseDate(value))} />
        <DateInput name="to" label="Invoice date to" format="YYYY-MM-DD" value={toBaseDate(to)} onChange={(value) => setTo(fromBaseDate(value))} />
      </Inline>
      {formError && formError !== 'Choose a QuickBooks company.' && <Text format={{ fontWeight: 'bold' }}>{formError}</Text>}
      <ButtonRow>
        <Button variant="secondary" disabled={loading !== null} onClick={() => void search()}>
          Search
        </Button>
      </ButtonRow>
      {loading && <LoadingSpinner label={loading} showLabel />}

      {results && results.length === 0 && <Text>No QuickBooks invoice matches. At most 50 are shown; narrow the search.</Text>}
      {results && results.length > 0 && (
        <Table bordered>
          <TableHead>
            <TableRow>
              <TableHeader>Add</TableHeader>
              <TableHeader>Number</TableHeader>
              <TableHeader>Customer</TableHeader>
              <TableHeader>Date</TableHeader>
              <TableHeader>Amount</TableHeader>
              <TableHeader>Balance</TableHeader>
              <TableHeader>Status</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {results.map((document) => {
              const key = documentKey(document);
              const onRecord = alreadyLinked.has(key);
              const tag = statusTag(document);
              return (
                <TableRow key={key} testId={`result-${key}`}>
                  <TableCell>
                    {onRecord ? (
                      <Text variant="microcopy">Already on this record</Text>
                    ) : (
                      <Checkbox
                        name={`pick-${key}`}
                        aria-label={`Add invoice ${document.number ?? document.id}`}
                        checked={selected.has(key)}
                        onChange={(checked) => toggle(key, checked)}
                      />
                    )}
                  </TableCell>
                  <TableCell>{document.number ?? '—'}</TableCell>
                  <TableCell>{document.customerName ?? '—'}</TableCell>
                  <TableCell>{document.txnDate ?? '—'}</TableCell>
                  <TableCell>{formatMoney(document.total, document.currency)}</TableCell>
                  <TableCell>{document.balance === null ? '—' : formatMoney(document.balance, document.currency)}</TableCell>
                  <TableCell>
                    <StatusTag variant={tag.variant}>{tag.label}</StatusTag>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}

      <ButtonRow>
        <Button variant="primary" disabled={selected.size === 0 || loading !== null} onClick={() => void add()}>
          {selected.size === 1 ? 'Add 1 invoice' : `Add ${selected.size} invoices`}
        </Button>
        <Button variant="transparent" disabled={loading !== null} onClick={onCancel}>
          Cancel
        </Button>
      </ButtonRow>
    </Flex>
  );
}
