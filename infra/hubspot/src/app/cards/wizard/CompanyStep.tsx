import { Flex, Select, Text } from '@hubspot/ui-extensions';
import type { CardCompany } from '@hubspot-quickbooks/shared/card';
import { companyHealth } from '@hubspot-quickbooks/shared/documents';
import type { WizardState } from '@hubspot-quickbooks/shared/wizard';
import type { FieldErrorProps, SetState } from './fields';

interface Props {
  /** Companies a document can be created in. */
  active: CardCompany[];
  /** The others, named with why they cannot be used. */
  unavailable: CardCompany[];
  state: WizardState;
  setState: SetState;
  fieldError: FieldErrorProps;
}

/** Step 1: the QuickBooks company. */
export function CompanyStep({ active, unavailable, state, setState, fieldError }: Props) {
  return (
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
          {company.name}: {companyHealth(company).label.toLowerCase()}. An admin can reconnect it in this app's settings.
        </Text>
      ))}
    </Flex>
  );
}
