import { useRef, useState } from 'react';
import {
  Button,
  ButtonRow,
  DateInput,
  DescriptionList,
  DescriptionListItem,
  Divider,
  Flex,
  Heading,
  Inline,
  Input,
  LoadingSpinner,
  Select,
  StepIndicator,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  TextArea,
  Tile,
} from '@hubspot/ui-extensions';
import type {
  CardApi,
  CardApiError,
  CardCompany,
  Customer,
  DocumentType,
  DraftSource,
  Item,
  QboDocument,
  RecordObjectType,
} from '../lib/card';
import { DOCUMENT_TYPE_LABELS, companyHealth, formatMoney } from '../lib/documents';
import {
  STEP_LABELS,
  type CustomerChoice,
  type FieldErrors,
  type LineState,
  type PortionChoice,
  type StepId,
  type WizardState,
  addLine,
  applyDraft,
  applyTerm,
  buildCreateBody,
  chooseItem,
  chooseNewItem,
  chosenCustomer,
  firstInvalidStep,
  fromBaseDate,
  lineAmount,
  newWizard,
  portionAmount,
  removeLine,
  stepForError,
  stepsFor,
  subtotal,
  toBaseDate,
  updateLine,
  validateStep,
} from '../lib/wizard';
import { CardErrorAlert, asCardError } from './CardErrorAlert';

interface Props {
  api: CardApi;
  companies: CardCompany[];
  objectType: RecordObjectType;
  objectId: string;
  /** Lets tests fix the run's idempotency key; one is generated otherwise. */
  idempotencyKey?: string;
  onCancel(): void;
  onCreated(document: QboDocument): void;
}

const TYPE_OPTIONS = (Object.keys(DOCUMENT_TYPE_LABELS) as DocumentType[]).map((type) => ({
  label: DOCUMENT_TYPE_LABELS[type],
  value: type,
}));

const DATE_LABELS: Record<DocumentType, string> = {
  invoice: 'Invoice date',
  estimate: 'Estimate date',
  sales_receipt: 'Sales receipt date',
};

/**
 * Company → source → customer → lines & tax → details → review → create (I3–I8, I13, B2). The whole run uses one
 * idempotency key, so clicking Create again after a failure or a timeout can never create a second document; the
 * user's input stays in place after any error.
 */
export function CreateWizard({ api, companies, objectType, objectId, idempotencyKey, onCancel, onCreated }: Props) {
  const active = companies.filter((company) => company.status === 'active');
  const unavailable = companies.filter((company) => company.status !== 'active');
  const steps = stepsFor(objectType);

  const [state, setState] = useState<WizardState>(() =>
    newWizard(idempotencyKey, active.length === 1 ? active[0].realmId : ''),
  );
  const [stepIndex, setStepIndex] = useState(0);
  const [shownErrors, setShownErrors] = useState<FieldErrors>({});
  const [loading, setLoading] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<CardApiError | null>(null);
  const [sourceChoice, setSourceChoice] = useState('deal');
  const [customerQuery, setCustomerQuery] = useState('');
  const [customerResults, setCustomerResults] = useState<Customer[] | null>(null);
  const [itemSearch, setItemSearch] = useState<Record<string, { q: string; results: Item[] | null }>>({});
  // Switching between "existing" and "new" customer and back keeps what was entered for each.
  const remembered = useRef<Partial<Record<CustomerChoice['kind'], CustomerChoice>>>({});

  const step = steps[stepIndex];
  const draft = state.draft;
  const busy = loading !== null || creating;

  async function loadDraft(source: DraftSource): Promise<boolean> {
    setLoading('Loading the proposal from HubSpot and QuickBooks');
    try {
      const loaded = await api.draft(state.realmId, objectType, objectId, source);
      setState((current) => applyDraft(current, loaded, source));
      setSourceChoice(source.source === 'quote' ? source.quoteId : 'deal');
      setCustomerResults(null);
      setItemSearch({});
      remembered.current = {};
      return true;
    } catch (caught) {
      setError(asCardError(caught));
      return false;
    } finally {
      setLoading(null);
    }
  }

  function showErrors(errors: FieldErrors): boolean {
    setShownErrors(errors);
    return Object.keys(errors).length === 0;
  }

  async function next() {
    setError(null);
    if (step === 'company') {
      if (!showErrors(validateStep(state, 'company'))) return;
      if (!draft || draft.company.realmId !== state.realmId) {
        if (!(await loadDraft({ source: 'deal' }))) return;
      }
    } else if (step === 'source') {
      const source: DraftSource = sourceChoice === 'deal' ? { source: 'deal' } : { source: 'quote', quoteId: sourceChoice };
      if (!showErrors(validateStep({ ...state, source }, 'source'))) return;
      if (!sameSource(source, state.source)) {
        if (!(await loadDraft(source))) return;
      }
    } else if (!showErrors(validateStep(state, step))) {
      return;
    }
    setShownErrors({});
    setStepIndex((index) => Math.min(index + 1, steps.length - 1));
  }

  function goTo(target: StepId) {
    const index = steps.indexOf(target);
    if (index >= 0) {
      setStepIndex(index);
      setShownErrors(validateStep(state, target));
    }
  }

  async function create() {
    if (creating) return;
    const invalid = firstInvalidStep(state, objectType);
    if (invalid) {
      goTo(invalid);
      return;
    }
    setCreating(true);
    setError(null);
    try {
      const { document } = await api.createDocument(buildCreateBody(state, objectType, objectId));
      onCreated(document);
    } catch (caught) {
      setError(asCardError(caught));
    } finally {
      setCreating(false);
    }
  }

  const setCustomerKind = (kind: CustomerChoice['kind']) =>
    setState((current) => {
      remembered.current[current.customer.kind] = current.customer;
      const restored =
        remembered.current[kind] ??
        (kind === 'match'
          ? { kind: 'match' as const }
          : kind === 'existing'
            ? { kind: 'existing' as const, customer: null }
            : { kind: 'new' as const, fields: { ...(current.draft?.customer.proposed ?? { displayName: '' }) } });
      return { ...current, customer: restored };
    });

  async function searchCustomers() {
    setError(null);
    setLoading('Searching QuickBooks customers');
    try {
      setCustomerResults(await api.customers(state.realmId, customerQuery.trim()));
    } catch (caught) {
      setError(asCardError(caught));
    } finally {
      setLoading(null);
    }
  }

  async function searchItems(key: string) {
    const q = itemSearch[key]?.q ?? '';
    setError(null);
    setLoading('Searching QuickBooks products and services');
    try {
      const results = await api.items(state.realmId, q.trim());
      setItemSearch((current) => ({ ...current, [key]: { q, results } }));
    } catch (caught) {
      setError(asCardError(caught));
    } finally {
      setLoading(null);
    }
  }

  const fieldError = (name: string) => ({ error: Boolean(shownErrors[name]), validationMessage: shownErrors[name] });
  const customer = chosenCustomer(state);
  const currency =
    (customer && !('new' in customer) ? (customer as Customer).currency : null) ?? draft?.company.homeCurrency ?? null;
  const typeLabel = DOCUMENT_TYPE_LABELS[state.type];
  const errorStep = error ? stepForError(error.code) : null;

  return (
    <Flex direction="column" gap="md">
      <Heading>New QuickBooks {typeLabel.toLowerCase()}</Heading>
      <StepIndicator stepNames={steps.map((id) => STEP_LABELS[id])} currentStep={stepIndex} />

      {error && (
        <CardErrorAlert error={error} testId="wizard-error">
          {errorStep && errorStep !== step && steps.includes(errorStep) && (
            <Button variant="secondary" onClick={() => goTo(errorStep)}>
              Go to {STEP_LABELS[errorStep]}
            </Button>
          )}
        </CardErrorAlert>
      )}
      {loading && <LoadingSpinner label={loading} showLabel />}

      {step === 'company' && (
        <Flex direction="column" gap="sm">
          <Select
            name="realmId"
            label="QuickBooks company"
            required
            placeholder="Choose a company"
            options={active.map((company) => ({
              label: company.environment === 'sandbox' ? `${company.name} (sandbox)` : company.name,
              value: company.realmId,
            }))}
            value={state.realmId || undefined}
            onChange={(value) => setState((current) => ({ ...current, realmId: String(value) }))}
            {...fieldError('realmId')}
          />
          {unavailable.map((company) => (
            <Text key={company.realmId} variant="microcopy">
              {company.name}: {companyHealth(company).label.toLowerCase()}. An admin can reconnect it in this app's
              settings.
            </Text>
          ))}
        </Flex>
      )}

      {step === 'source' && draft && (
        <Flex direction="column" gap="sm">
          <Select
            name="source"
            label="Start from"
            required
            options={[
              { label: "The deal's line items", value: 'deal' },
              ...draft.quotes
                .filter((quote) => quote.usable)
                .map((quote) => ({
                  label: `Quote: ${quote.title}${quote.expiresOn ? ` (expires ${quote.expiresOn})` : ''}`,
                  value: quote.id,
                })),
            ]}
            value={sourceChoice}
            onChange={(value) => setSourceChoice(String(value))}
            {...fieldError('source')}
          />
          {draft.quotes
            .filter((quote) => !quote.usable)
            .map((quote) => (
              <Text key={quote.id} variant="microcopy">
                Quote {quote.title} cannot be used: {quote.reason ?? 'only published, unexpired quotes can.'}
              </Text>
            ))}
        </Flex>
      )}

      {step === 'customer' && draft && (
        <Flex direction="column" gap="sm">
          <Select
            name="customerChoice"
            label="Customer"
            required
            options={[
              ...(draft.customer.match
                ? [
                    {
                      label: `${draft.customer.match.displayName} (matched by ${draft.customer.matchedBy === 'email' ? 'e-mail' : 'name'})`,
                      value: 'match',
                    },
                  ]
                : []),
              { label: 'Another QuickBooks customer', value: 'existing' },
              { label: 'A new QuickBooks customer', value: 'new' },
            ]}
            value={state.customer.kind}
            onChange={(value) => setCustomerKind(String(value) as CustomerChoice['kind'])}
            {...fieldError('customer')}
          />
          {state.customer.kind === 'match' && draft.customer.match && (
            <Text variant="microcopy">
              {[draft.customer.match.email, draft.customer.match.currency].filter(Boolean).join(' · ')}
            </Text>
          )}
          {state.customer.kind === 'existing' && (
            <Flex direction="column" gap="sm">
              <Inline gap="sm" align="end">
                <Input
                  name="customerQuery"
                  label="Find a customer (name or e-mail)"
                  value={customerQuery}
                  onChange={setCustomerQuery}
                />
                <Button variant="secondary" disabled={busy} onClick={() => void searchCustomers()}>
                  Search customers
                </Button>
              </Inline>
              {customerResults && customerResults.length === 0 && <Text>No QuickBooks customer matches.</Text>}
              {(Boolean(customerResults?.length) || state.customer.customer !== null) && (
                <Select
                  name="customer"
                  label="QuickBooks customer"
                  required
                  placeholder="Choose a customer"
                  options={unique([...(state.customer.customer ? [state.customer.customer] : []), ...(customerResults ?? [])]).map(
                    (found) => ({ label: customerLabel(found, draft.company.multiCurrency), value: found.id }),
                  )}
                  value={state.customer.customer?.id}
                  onChange={(value) =>
                    setState((current) => {
                      const pool = [...(customerResults ?? []), ...(current.customer.kind === 'existing' && current.customer.customer ? [current.customer.customer] : [])];
                      return { ...current, customer: { kind: 'existing', customer: pool.find((found) => found.id === String(value)) ?? null } };
                    })
                  }
                />
              )}
            </Flex>
          )}
          {state.customer.kind === 'new' && (
            <NewCustomerFields
              state={state}
              setState={setState}
              fieldError={fieldError}
            />
          )}
        </Flex>
      )}

      {step === 'lines' && draft && (
        <Flex direction="column" gap="sm">
          {shownErrors.lines && <Text format={{ fontWeight: 'bold' }}>{shownErrors.lines}</Text>}
          {state.lines.map((line, index) => (
            <LineEditor
              key={line.key}
              index={index}
              line={line}
              state={state}
              setState={setState}
              search={itemSearch[line.key] ?? { q: '', results: null }}
              onQuery={(q) => setItemSearch((current) => ({ ...current, [line.key]: { results: current[line.key]?.results ?? null, q } }))}
              onSearch={() => void searchItems(line.key)}
              busy={busy}
              currency={currency}
              fieldError={fieldError}
            />
          ))}
          <ButtonRow>
            <Button variant="secondary" onClick={() => setState(addLine)}>
              Add line
            </Button>
          </ButtonRow>
          <Text>
            Subtotal before tax: {formatMoney(subtotal(state.lines), currency)}
            {draft.company.lineTaxCodesRequired ? '' : ' (QuickBooks adds sales tax)'}
          </Text>
        </Flex>
      )}

      {step === 'details' && draft && (
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
                onChange={(value) =>
                  setState((current) => applyTerm(current, draft.terms.find((term) => term.id === String(value))))
                }
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
          {state.type === 'invoice' && objectType === 'deals' && (
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
      )}

      {step === 'review' && draft && (
        <Review state={state} currency={currency} portionShown={state.type === 'invoice' && objectType === 'deals'} />
      )}

      <Divider />
      <ButtonRow>
        {stepIndex > 0 && (
          <Button variant="secondary" disabled={busy} onClick={() => { setShownErrors({}); setStepIndex(stepIndex - 1); }}>
            Back
          </Button>
        )}
        {step !== 'review' ? (
          <Button variant="primary" disabled={busy} onClick={() => void next()}>
            Next
          </Button>
        ) : (
          <Button variant="primary" disabled={busy} onClick={() => void create()}>
            {creating ? 'Creating…' : `Create ${typeLabel.toLowerCase()}`}
          </Button>
        )}
        <Button variant="transparent" disabled={creating} onClick={onCancel}>
          Cancel
        </Button>
      </ButtonRow>
    </Flex>
  );
}

type SetState = (update: (current: WizardState) => WizardState) => void;
type FieldErrorProps = (name: string) => { error: boolean; validationMessage: string | undefined };

function NewCustomerFields({ state, setState, fieldError }: { state: WizardState; setState: SetState; fieldError: FieldErrorProps }) {
  if (state.customer.kind !== 'new') return null;
  const fields = state.customer.fields;
  const set = (key: keyof typeof fields) => (value: string) =>
    setState((current) =>
      current.customer.kind === 'new' ? { ...current, customer: { kind: 'new', fields: { ...current.customer.fields, [key]: value } } } : current,
    );
  return (
    <Flex direction="column" gap="sm">
      <Input
        name="displayName"
        label="Display name"
        required
        description='If the name is already used in QuickBooks, the customer gets a distinct one such as "Acme Ltd (2)".'
        value={fields.displayName}
        onChange={set('displayName')}
        {...fieldError('customer.displayName')}
      />
      <Inline gap="sm">
        <Input name="givenName" label="First name" value={fields.givenName ?? ''} onChange={set('givenName')} />
        <Input name="familyName" label="Last name" value={fields.familyName ?? ''} onChange={set('familyName')} />
      </Inline>
      <Input name="companyName" label="Company name" value={fields.companyName ?? ''} onChange={set('companyName')} />
      <Input name="email" label="E-mail" value={fields.email ?? ''} onChange={set('email')} {...fieldError('customer.email')} />
    </Flex>
  );
}

interface LineEditorProps {
  index: number;
  line: LineState;
  state: WizardState;
  setState: SetState;
  search: { q: string; results: Item[] | null };
  onQuery(q: string): void;
  onSearch(): void;
  busy: boolean;
  currency: string | null;
  fieldError: FieldErrorProps;
}

function LineEditor({ index, line, state, setState, search, onQuery, onSearch, busy, currency, fieldError }: LineEditorProps) {
  const draft = state.draft!;
  const at = (field: string) => fieldError(`lines.${line.key}.${field}`);
  const choices = unique([...(line.item ? [line.item] : []), ...(search.results ?? [])]);
  const amount = lineAmount(line.quantity, line.unitPrice);
  const newItem = line.newItem;
  const options = [
    ...(newItem ? [{ label: `Create in QuickBooks: ${newItemLabel(newItem)}`, value: NEW_ITEM }] : []),
    ...choices.map((item) => ({ label: item.sku ? `${item.name} (${item.sku})` : item.name, value: item.id })),
  ];
  return (
    <Tile compact testId={`line-${index}`}>
      <Flex direction="column" gap="xs">
        <Text format={{ fontWeight: 'demibold' }}>
          Line {index + 1}
          {line.sku ? ` · HubSpot SKU ${line.sku}` : ''}
        </Text>
        <Inline gap="sm" align="end">
          <Input name={`itemQuery-${index}`} label="Find a product or service" value={search.q} onChange={onQuery} />
          <Button variant="secondary" size="sm" disabled={busy} onClick={onSearch}>
            Search products
          </Button>
        </Inline>
        {search.results && search.results.length === 0 && <Text variant="microcopy">No QuickBooks product or service matches.</Text>}
        <Select
          name={`item-${index}`}
          label="QuickBooks product or service"
          required
          placeholder={line.item || newItem ? undefined : 'No match: search and choose one'}
          options={options}
          value={line.item?.id ?? (newItem ? NEW_ITEM : undefined)}
          onChange={(value) =>
            setState((current) =>
              String(value) === NEW_ITEM
                ? chooseNewItem(current, line.key)
                : chooseItem(current, line.key, choices.find((item) => item.id === String(value)) ?? null),
            )
          }
          {...at('item')}
        />
        {!line.item && newItem && (
          <Text variant="microcopy">
            No QuickBooks product matches: a new one named {newItemLabel(newItem)} is created with this price, as the app
            settings say.
          </Text>
        )}
        <Input
          name={`description-${index}`}
          label="Description"
          value={line.description}
          onChange={(value) => setState((current) => updateLine(current, line.key, { description: value }))}
        />
        <Inline gap="sm">
          <Input
            name={`quantity-${index}`}
            label="Quantity"
            required
            value={line.quantity}
            onChange={(value) => setState((current) => updateLine(current, line.key, { quantity: value }))}
            {...at('quantity')}
          />
          <Input
            name={`unitPrice-${index}`}
            label={currency ? `Unit price (${currency})` : 'Unit price'}
            required
            value={line.unitPrice}
            onChange={(value) => setState((current) => updateLine(current, line.key, { unitPrice: value }))}
            {...at('unitPrice')}
          />
          <DateInput
            name={`serviceDate-${index}`}
            label="Service date"
            format="YYYY-MM-DD"
            value={toBaseDate(line.serviceDate)}
            onChange={(value) => setState((current) => updateLine(current, line.key, { serviceDate: fromBaseDate(value) }))}
            {...at('serviceDate')}
          />
        </Inline>
        {draft.company.lineTaxCodesRequired && (
          <Select
            name={`taxCodeId-${index}`}
            label="Tax code"
            required
            placeholder="Choose a tax code"
            options={draft.taxCodes.map((code) => ({ label: code.name, value: code.id }))}
            value={line.taxCodeId || undefined}
            onChange={(value) => setState((current) => updateLine(current, line.key, { taxCodeId: String(value) }))}
            {...at('taxCodeId')}
          />
        )}
        <Inline gap="sm" align="center" justify="between">
          <Text variant="microcopy">Amount: {amount === null ? '—' : formatMoney(amount, currency)}</Text>
          <Button variant="transparent" size="sm" onClick={() => setState((current) => removeLine(current, line.key))}>
            Remove line
          </Button>
        </Inline>
      </Flex>
    </Tile>
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
function PortionFields({ state, setState, currency, fieldError }: { state: WizardState; setState: SetState; currency: string | null; fieldError: FieldErrorProps }) {
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

function Review({ state, currency, portionShown }: { state: WizardState; currency: string | null; portionShown: boolean }) {
  const draft = state.draft!;
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
      <Text variant="microcopy">
        The document is created in QuickBooks without being sent: nothing is e-mailed to the customer.
      </Text>
    </Flex>
  );
}

/** The Select value standing for "create the offered product"; QuickBooks ids are digits, so it never collides. */
const NEW_ITEM = 'new-item';

function newItemLabel(item: { name: string; sku?: string }): string {
  return item.sku ? `${item.name} (${item.sku})` : item.name;
}

function sameSource(a: DraftSource, b: DraftSource): boolean {
  return a.source === b.source && (a.source !== 'quote' || (b.source === 'quote' && a.quoteId === b.quoteId));
}

function unique<T extends { id: string }>(values: T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value.id) ? false : (seen.add(value.id), true)));
}

function customerLabel(customer: Customer, multiCurrency: boolean): string {
  const extras = [customer.email, multiCurrency ? customer.currency : null].filter(Boolean);
  return extras.length ? `${customer.displayName} (${extras.join(', ')})` : customer.displayName;
}
