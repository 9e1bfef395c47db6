import { useRef, useState } from 'react';
import { Button, ButtonRow, Divider, Flex, Heading, LoadingSpinner, StepIndicator } from '@hubspot/ui-extensions';
import type { CardApi, CardCompany, Customer, DraftSource, QboDocument, RecordObjectType } from '@hubspot-quickbooks/shared/card';
import { DOCUMENT_TYPE_LABELS } from '@hubspot-quickbooks/shared/documents';
import {
  STEP_LABELS,
  type CustomerChoice,
  type FieldErrors,
  type StepId,
  type WizardState,
  applyDraft,
  buildCreateBody,
  chosenCustomer,
  firstInvalidStep,
  newWizard,
  proposedCustomer,
  stepForError,
  stepsFor,
  validateStep,
} from '@hubspot-quickbooks/shared/wizard';
import { CardErrorAlert, asCardError } from './CardErrorAlert';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';
import { CompanyStep } from './wizard/CompanyStep';
import { CustomerStep } from './wizard/CustomerStep';
import { DetailsStep } from './wizard/DetailsStep';
import { LinesStep, type ItemSearch } from './wizard/LinesStep';
import { ReviewStep } from './wizard/ReviewStep';
import { SourceStep } from './wizard/SourceStep';

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

/** What `pending` says while the document is being created (Cancel is then disabled). */
const CREATING = 'Creating the document in QuickBooks';

/**
 * Company → source → customer → lines & tax → details → review → create (I3–I8, I13, B2). The whole run uses one
 * idempotency key, so clicking Create again after a failure or a timeout can never create a second document; the
 * user's input stays in place after any error. Each step is its own component (./wizard/); this one holds the
 * state they share, loads the draft and creates.
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
  const { pending, busy, error, setError, run } = useRequest(asCardError);
  const [sourceChoice, setSourceChoice] = useState('deal');
  const [customerQuery, setCustomerQuery] = useState('');
  const [customerResults, setCustomerResults] = useState<Customer[] | null>(null);
  const [itemSearch, setItemSearch] = useState<Record<string, ItemSearch>>({});
  // Switching between "existing" and "new" customer and back keeps what was entered for each.
  const remembered = useRef<Partial<Record<CustomerChoice['kind'], CustomerChoice>>>({});

  const step = steps[stepIndex];
  const draft = state.draft;
  const creating = pending === CREATING;

  const loadDraft = (source: DraftSource) =>
    run('Loading the proposal from HubSpot and QuickBooks', async () => {
      const loaded = await api.draft(state.realmId, objectType, objectId, source);
      setState((current) => applyDraft(current, loaded, source));
      setSourceChoice(source.source === 'quote' ? source.quoteId : 'deal');
      setCustomerResults(null);
      setItemSearch({});
      remembered.current = {};
    });

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
    await run(CREATING, async () => {
      const { document } = await api.createDocument(buildCreateBody(state, objectType, objectId));
      onCreated(document);
    });
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
            : { kind: 'new' as const, fields: proposedCustomer(current.draft) });
      return { ...current, customer: restored };
    });

  const searchCustomers = () =>
    run('Searching QuickBooks customers', async () => {
      setCustomerResults(await api.customers(state.realmId, customerQuery.trim()));
    });

  const searchItems = (key: string) =>
    run('Searching QuickBooks products and services', async () => {
      const q = itemSearch[key]?.q ?? '';
      const results = await api.items(state.realmId, q.trim());
      setItemSearch((current) => ({ ...current, [key]: { q, results } }));
    });

  const fieldError = (name: string) => ({ error: Boolean(shownErrors[name]), validationMessage: shownErrors[name] });
  const customer = chosenCustomer(state);
  const currency =
    (customer && !('new' in customer) ? (customer as Customer).currency : null) ?? draft?.company.homeCurrency ?? null;
  const typeLabel = DOCUMENT_TYPE_LABELS[state.type];
  const errorStep = error ? stepForError(error.code) : null;
  const portions = state.type === 'invoice' && objectType === 'deals';
  const form = draft && { draft, state, setState, fieldError };

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
      {pending && <LoadingSpinner label={pending} showLabel />}

      {step === 'company' && (
        <CompanyStep active={active} unavailable={unavailable} state={state} setState={setState} fieldError={fieldError} />
      )}
      {step === 'source' && draft && (
        <SourceStep draft={draft} choice={sourceChoice} onChoose={setSourceChoice} fieldError={fieldError} />
      )}
      {step === 'customer' && form && (
        <CustomerStep
          {...form}
          busy={busy}
          onKind={setCustomerKind}
          query={customerQuery}
          onQuery={setCustomerQuery}
          results={customerResults}
          onSearch={() => void searchCustomers()}
        />
      )}
      {step === 'lines' && form && (
        <LinesStep
          {...form}
          linesError={shownErrors.lines}
          busy={busy}
          currency={currency}
          searches={itemSearch}
          onQuery={(key, q) => setItemSearch((current) => ({ ...current, [key]: { results: current[key]?.results ?? null, q } }))}
          onSearch={(key) => void searchItems(key)}
        />
      )}
      {step === 'details' && form && (
        <DetailsStep
          {...form}
          currency={currency}
          portions={objectType === 'deals'}
        />
      )}
      {step === 'review' && draft && <ReviewStep draft={draft} state={state} currency={currency} portionShown={portions} />}

      <Divider />
      <ButtonRow>
        {stepIndex > 0 && (
          <Button
            variant="secondary"
            disabled={busy}
            onClick={() => {
              setShownErrors({});
              setStepIndex(stepIndex - 1);
            }}
          >
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

function sameSource(a: DraftSource, b: DraftSource): boolean {
  return a.source === b.source && (a.source !== 'quote' || (b.source === 'quote' && a.quoteId === b.quoteId));
}
