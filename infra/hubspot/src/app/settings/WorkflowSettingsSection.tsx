import { useEffect, useRef, useState } from 'react';
import { Alert, Button, ButtonRow, Flex, Heading, Input, LoadingSpinner, Select, Text, Toggle } from '@hubspot/ui-extensions';
import { ConnectionsApiError, asConnectionsError, type Company } from '@hubspot-quickbooks/shared/connections';
import {
  type IncomeAccount,
  type UnmatchedItem,
  type WorkflowSettings,
  type WorkflowSettingsApi,
  toBody,
  validateSettings,
} from '@hubspot-quickbooks/shared/workflowSettings';

interface Props {
  api: WorkflowSettingsApi;
  /** The portal's QuickBooks companies (null while the page loads them); each connected one gets a default item. */
  companies: Company[] | null;
}

const UNMATCHED_OPTIONS: { label: string; value: UnmatchedItem }[] = [
  { label: 'Fail the action: nothing is created', value: 'fail' },
  { label: "Use the company's default item", value: 'default_item' },
  { label: 'Create the product in QuickBooks', value: 'create_item' },
];

/** How the workflow actions behave (W4, W5, B4): customer creation and unmatched line items. */
export function WorkflowSettingsSection({ api, companies }: Props) {
  const [saved, setSaved] = useState<WorkflowSettings | null>(null);
  const [form, setForm] = useState<WorkflowSettings | null>(null);
  const [loading, setLoading] = useState(true);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ConnectionsApiError | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api
      .get()
      .then((settings) => {
        if (!live) return;
        setSaved(settings);
        setForm(settings);
      })
      .catch((caught: unknown) => live && setError(asConnectionsError(caught)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api]);

  const connected = (companies ?? []).filter((company) => company.status !== 'disconnected');
  const creating = form?.unmatchedItem === 'create_item';
  const activeRealms = connected.filter((company) => company.status === 'active').map((company) => company.realmId);
  const accounts = useIncomeAccounts(api, creating ? activeRealms : []);
  const changed = form !== null && saved !== null && JSON.stringify(toBody(form)) !== JSON.stringify(toBody(saved));

  const update = (patch: Partial<WorkflowSettings>) => {
    setNotice(null);
    setForm((current) => current && { ...current, ...patch });
  };

  async function save() {
    if (!form) return;
    const errors = validateSettings(form, connected.map((company) => company.realmId));
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const stored = await api.save(form);
      setSaved(stored);
      setForm(stored);
      setNotice('Workflow behaviour saved. It applies to the next action that runs.');
    } catch (caught) {
      setError(asConnectionsError(caught));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Flex direction="column" gap="sm">
      <Heading>Workflow behaviour</Heading>
      <Text>
        How the "Create QuickBooks invoice / estimate / sales receipt" workflow actions handle a contact or a line item
        QuickBooks does not know yet.
      </Text>
      {loading && <LoadingSpinner label="Loading workflow settings" showLabel />}
      {error && (
        <Alert title="The workflow settings could not be loaded or saved" variant="error" testId="workflow-settings-error">
          <Text>{error.message}</Text>
        </Alert>
      )}
      {notice && (
        <Alert title="Saved" variant="success">
          <Text>{notice}</Text>
        </Alert>
      )}
      {form && (
        <>
          <Toggle
            name="createCustomers"
            label="Create a QuickBooks customer when none matches the contact"
            labelDisplay="inline"
            checked={form.createCustomers}
            onChange={(checked) => update({ createCustomers: checked })}
          />
          {!form.createCustomers && (
            <Text variant="microcopy">
              Off: when no QuickBooks customer matches the contact's name and e-mail, the action fails and says so in the
              workflow history.
            </Text>
          )}
          <Select
            name="unmatchedItem"
            label="When a line item matches no QuickBooks product or service"
            options={UNMATCHED_OPTIONS}
            value={form.unmatchedItem}
            onChange={(value) => update({ unmatchedItem: value as UnmatchedItem })}
            error={Boolean(fieldErrors.unmatchedItem)}
            validationMessage={fieldErrors.unmatchedItem}
          />
          {creating &&
            connected.map((company) => {
              const choices = accounts[company.realmId];
              const chosen = form.incomeAccounts[company.realmId] ?? '';
              if (choices === undefined || typeof choices === 'string') {
                return (
                  <Text key={`income-${company.realmId}`} variant="microcopy">
                    {company.name}:{' '}
                    {company.status !== 'active'
                      ? 'reconnect this company to choose its income account.'
                      : (choices ?? 'loading its income accounts…')}
                  </Text>
                );
              }
              return (
                <Select
                  key={`income-${company.realmId}`}
                  name={`incomeAccount-${company.realmId}`}
                  label={`Income account for new products in ${company.name}`}
                  description="New QuickBooks products (a Service with the line's name, SKU and price) post their sales here. None: unmatched lines fail for this company."
                  options={[{ label: 'None', value: '' }, ...choices.map((account) => ({ label: account.name, value: account.id }))]}
                  value={chosen}
                  onChange={(value) => update({ incomeAccounts: { ...form.incomeAccounts, [company.realmId]: String(value ?? '') } })}
                  error={Boolean(fieldErrors[`incomeAccounts.${company.realmId}`])}
                  validationMessage={fieldErrors[`incomeAccounts.${company.realmId}`]}
                />
              );
            })}
          {!creating && connected.map((company) => {
            const key = `defaultItems.${company.realmId}`;
            return (
              <Input
                key={company.realmId}
                name={`defaultItem-${company.realmId}`}
                label={`Default item id for ${company.name}`}
                description={
                  form.unmatchedItem === 'default_item'
                    ? 'The id of the QuickBooks product or service used for unmatched line items. Empty: unmatched lines fail for this company.'
                    : 'Used only with "Use the company\'s default item".'
                }
                value={form.defaultItems[company.realmId] ?? ''}
                onChange={(value) => update({ defaultItems: { ...form.defaultItems, [company.realmId]: value } })}
                error={Boolean(fieldErrors[key])}
                validationMessage={fieldErrors[key]}
              />
            );
          })}
          <ButtonRow>
            <Button variant="primary" disabled={!changed || saving} onClick={() => void save()}>
              Save workflow behaviour
            </Button>
            <Button
              variant="transparent"
              disabled={!changed || saving}
              onClick={() => {
                setForm(saved);
                setFieldErrors({});
              }}
            >
              Discard changes
            </Button>
          </ButtonRow>
        </>
      )}
    </Flex>
  );
}

/**
 * Each company's income accounts (or the reason they could not be read), loaded once per company while the page
 * needs them.
 */
function useIncomeAccounts(api: WorkflowSettingsApi, realmIds: string[]): Record<string, IncomeAccount[] | string> {
  const [accounts, setAccounts] = useState<Record<string, IncomeAccount[] | string>>({});
  const requested = useRef(new Set<string>());
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const wanted = realmIds.join(',');
  useEffect(() => {
    for (const realmId of wanted ? wanted.split(',') : []) {
      if (requested.current.has(realmId)) continue;
      requested.current.add(realmId);
      api
        .incomeAccounts(realmId)
        .then(
          (found): IncomeAccount[] | string => found,
          (caught: unknown) => `its income accounts could not be read (${asConnectionsError(caught).message})`,
        )
        .then((result) => mounted.current && setAccounts((current) => ({ ...current, [realmId]: result })));
    }
  }, [api, wanted]);
  return accounts;
}
