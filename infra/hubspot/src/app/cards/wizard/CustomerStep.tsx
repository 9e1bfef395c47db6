import { Button, Flex, Inline, Input, Select, Text } from '@hubspot/ui-extensions';
import type { Customer } from '@hubspot-quickbooks/shared/card';
import type { CustomerChoice, WizardState } from '@hubspot-quickbooks/shared/wizard';
import { unique, type FieldErrorProps, type SetState, type StepProps } from './fields';

interface Props extends StepProps {
  busy: boolean;
  onKind(kind: CustomerChoice['kind']): void;
  /** The customer search: what was typed, and what QuickBooks answered (null before a search). */
  query: string;
  onQuery(query: string): void;
  results: Customer[] | null;
  onSearch(): void;
}

/** Step 3: the matched customer, another found by search, or a new one from the proposed fields (I4, I5). */
export function CustomerStep({ draft, state, setState, fieldError, busy, onKind, query, onQuery, results, onSearch }: Props) {
  const match = draft.customer.match;
  return (
    <Flex direction="column" gap="sm">
      <Select
        name="customerChoice"
        label="Customer"
        required
        options={[
          ...(match
            ? [{ label: `${match.displayName} (matched by ${draft.customer.matchedBy === 'email' ? 'e-mail' : 'name'})`, value: 'match' }]
            : []),
          { label: 'Another QuickBooks customer', value: 'existing' },
          { label: 'A new QuickBooks customer', value: 'new' },
        ]}
        value={state.customer.kind}
        onChange={(value) => onKind(String(value) as CustomerChoice['kind'])}
        {...fieldError('customer')}
      />
      {state.customer.kind === 'match' && match && (
        <Text variant="microcopy">{[match.email, match.currency].filter(Boolean).join(' · ')}</Text>
      )}
      {state.customer.kind === 'existing' && (
        <Flex direction="column" gap="sm">
          <Inline gap="sm" align="end">
            <Input name="customerQuery" label="Find a customer (name or e-mail)" value={query} onChange={onQuery} />
            <Button variant="secondary" disabled={busy} onClick={onSearch}>
              Search customers
            </Button>
          </Inline>
          {results && results.length === 0 && <Text>No QuickBooks customer matches.</Text>}
          {(Boolean(results?.length) || state.customer.customer !== null) && (
            <Select
              name="customer"
              label="QuickBooks customer"
              required
              placeholder="Choose a customer"
              options={unique([...(state.customer.customer ? [state.customer.customer] : []), ...(results ?? [])]).map((found) => ({
                label: customerLabel(found, draft.company.multiCurrency),
                value: found.id,
              }))}
              value={state.customer.customer?.id}
              onChange={(value) =>
                setState((current) => {
                  const pool = [
                    ...(results ?? []),
                    ...(current.customer.kind === 'existing' && current.customer.customer ? [current.customer.customer] : []),
                  ];
                  return { ...current, customer: { kind: 'existing', customer: pool.find((found) => found.id === String(value)) ?? null } };
                })
              }
            />
          )}
        </Flex>
      )}
      {state.customer.kind === 'new' && <NewCustomerFields state={state} setState={setState} fieldError={fieldError} />}
    </Flex>
  );
}

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

function customerLabel(customer: Customer, multiCurrency: boolean): string {
  const extras = [customer.email, multiCurrency ? customer.currency : null].filter(Boolean);
  return extras.length ? `${customer.displayName} (${extras.join(', ')})` : customer.displayName;
}
