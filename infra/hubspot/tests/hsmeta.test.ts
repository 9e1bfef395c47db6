// Every *-hsmeta.json of the project parses and carries what HubSpot requires; the workflow actions match the
// backend's contract (URLs, inputs, outputs, one execution rule per error code).
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_BASE_URL } from '@hubspot-quickbooks/shared/config';

const SRC = path.resolve(import.meta.dirname, '../src');

async function hsmetaFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : hsmetaFiles(full);
      return entry.name.endsWith('-hsmeta.json') ? [full] : [];
    }),
  );
  return nested.flat().sort();
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

const ERROR_CODES = [
  'UNKNOWN_COMPANY',
  'NO_COMPANY_CHOSEN',
  'RECONNECT_NEEDED',
  'NO_CONTACT',
  'NO_LINE_ITEMS',
  'ITEM_NOT_MATCHED',
  'CUSTOMER_NOT_FOUND',
  'TAX_CODE_REQUIRED',
  'PAID_INVOICE_TAXABLE',
  'DUPLICATE_DOC_NUMBER',
  'AMOUNT_OUT_OF_RANGE',
  'INVALID_TEXT',
  'INVALID_RECORD',
  'QUICKBOOKS_REJECTED',
  'HUBSPOT_ACCESS_DENIED',
  'HUBSPOT_RECORD_NOT_FOUND',
  'HUBSPOT_REJECTED',
];

const ACTIONS = [
  // `codes`: the action's own error codes beyond ERROR_CODES (only the invoice action takes days until due).
  { file: 'create-invoice-hsmeta.json', path: 'invoice', name: 'Create QuickBooks invoice', inputs: ['realmId', 'taxCodeId', 'daysUntilDue', 'createPaid'], codes: ['INVALID_DAYS_UNTIL_DUE'] },
  { file: 'create-estimate-hsmeta.json', path: 'estimate', name: 'Create QuickBooks estimate', inputs: ['realmId', 'taxCodeId'], codes: [] },
  { file: 'create-sales-receipt-hsmeta.json', path: 'sales-receipt', name: 'Create QuickBooks sales receipt', inputs: ['realmId', 'taxCodeId'], codes: [] },
];

interface InputField {
  typeDefinition: { name: string; type: string; fieldType: string; optionsUrl?: string; options?: { value: string; label: string }[] };
  supportedValueTypes: string[];
  isRequired: boolean;
}

describe('hsmeta files', () => {
  it('all parse, with a unique uid and a known type', async () => {
    const files = await hsmetaFiles(SRC);
    expect(files.map((file) => path.relative(SRC, file))).toEqual([
      'app/app-hsmeta.json',
      'app/cards/invoice-card-hsmeta.json',
      'app/settings/settings-hsmeta.json',
      'app/workflow-actions/create-estimate-hsmeta.json',
      'app/workflow-actions/create-invoice-hsmeta.json',
      'app/workflow-actions/create-sales-receipt-hsmeta.json',
    ]);
    const metas = await Promise.all(files.map(readJson));
    for (const meta of metas) {
      expect(meta.uid).toMatch(/^[a-z0-9_]+$/);
      expect(['app', 'card', 'settings', 'workflow-action']).toContain(meta.type);
      expect(meta.config).toBeTypeOf('object');
    }
    expect(new Set(metas.map((meta) => meta.uid)).size).toBe(metas.length);
  });

  it('declares the invoice card as a record tab on deals, contacts and companies, with an existing entrypoint', async () => {
    const card = await readJson(path.join(SRC, 'app/cards/invoice-card-hsmeta.json'));
    expect(card.type).toBe('card');
    expect(card.config.location).toBe('crm.record.tab');
    expect(card.config.objectTypes).toEqual(['deals', 'contacts', 'companies']);
    expect(card.config.name).toBeTruthy();
    expect(existsSync(path.join(SRC, card.config.entrypoint))).toBe(true);
    expect(existsSync(path.join(SRC, 'app/cards/package.json'))).toBe(true);
  });
});

describe.each(ACTIONS)('workflow action $file', (action) => {
  const load = () => readJson(path.join(SRC, 'app/workflow-actions', action.file));

  it('has the fields HubSpot requires and is unpublished', async () => {
    const meta = await load();
    expect(meta.type).toBe('workflow-action');
    expect(meta.uid).toBeTruthy();
    expect(meta.config.actionUrl).toBe(`${API_BASE_URL}/actions/${action.path}`);
    expect(meta.config.isPublished).toBe(false);
    expect(meta.config.supportedClients).toEqual([{ client: 'WORKFLOWS' }]);
    expect(meta.config.objectTypes).toEqual(['DEAL', 'QUOTE']);
    expect(meta.config.labels.en.actionName).toBe(action.name);
    expect(meta.config.labels.en.actionDescription).toBeTruthy();
    expect(meta.config.labels.en.actionCardContent).toBeTruthy();
  });

  it('takes the company (options from our API), an optional tax code depending on it, and labels every input', async () => {
    const { config } = await load();
    const inputs: InputField[] = config.inputFields;
    expect(inputs.map((field) => field.typeDefinition.name)).toEqual(action.inputs);
    const byName = Object.fromEntries(inputs.map((field) => [field.typeDefinition.name, field]));

    expect(byName.realmId).toEqual({
      typeDefinition: { name: 'realmId', type: 'enumeration', fieldType: 'select', optionsUrl: `${API_BASE_URL}/actions/options/companies` },
      supportedValueTypes: ['STATIC_VALUE'],
      isRequired: true,
    });
    expect(byName.taxCodeId.typeDefinition).toMatchObject({
      type: 'enumeration',
      fieldType: 'select',
      optionsUrl: `${API_BASE_URL}/actions/options/taxcodes`,
    });
    expect(byName.taxCodeId.isRequired).toBe(false);
    expect(config.inputFieldDependencies).toEqual([
      { dependencyType: 'SINGLE_FIELD', controllingFieldName: 'realmId', dependentFieldNames: ['taxCodeId'] },
    ]);
    expect(config.labels.en.inputFieldDescriptions.taxCodeId).toMatch(/no default; needed outside the US/);
    for (const name of action.inputs) {
      expect(config.labels.en.inputFieldLabels[name], `label of ${name}`).toBeTruthy();
      expect(config.labels.en.inputFieldDescriptions[name], `description of ${name}`).toBeTruthy();
    }
  });

  it('returns the document id, number, total, link, and an error code with its details', async () => {
    const { config } = await load();
    const outputs = config.outputFields.map((field: InputField) => [field.typeDefinition.name, field.typeDefinition.type]);
    expect(outputs).toEqual([
      ['documentId', 'string'],
      ['documentNumber', 'string'],
      ['total', 'number'],
      ['link', 'string'],
      ['errorCode', 'string'],
      ['errorMessage', 'string'],
    ]);
    for (const [name] of outputs) expect(config.labels.en.outputFieldLabels[name], `label of ${name}`).toBeTruthy();
  });

  it('turns every backend error code into a readable message in the workflow history', async () => {
    const { config } = await load();
    const rules: { labelName: string; conditions: Record<string, string> }[] = config.executionRules;
    const messages: Record<string, string> = config.labels.en.executionRules;
    expect(rules.map((rule) => rule.conditions.errorCode).sort()).toEqual([...ERROR_CODES, ...action.codes].sort());
    for (const rule of rules) {
      expect(Object.keys(rule.conditions)).toEqual(['errorCode']);
      expect(messages[rule.labelName], `message for ${rule.labelName}`).toMatch(/\S.{20,}/);
    }
    expect(new Set(rules.map((rule) => rule.labelName)).size).toBe(rules.length);
    expect(Object.keys(messages).sort()).toEqual(rules.map((rule) => rule.labelName).sort());
    expect(messages[rules.find((rule) => rule.conditions.errorCode === 'CUSTOMER_NOT_FOUND')!.labelName]).toContain('switched off');
    expect(messages[rules.find((rule) => rule.conditions.errorCode === 'PAID_INVOICE_TAXABLE')!.labelName]).toContain('non-taxable');
    expect(messages[rules.find((rule) => rule.conditions.errorCode === 'INVALID_TEXT')!.labelName]).toContain('control character');
  });
});

describe('the invoice action', () => {
  it('takes the days until due and the paid-invoice switch', async () => {
    const { config } = await readJson(path.join(SRC, 'app/workflow-actions/create-invoice-hsmeta.json'));
    const byName = Object.fromEntries(config.inputFields.map((field: InputField) => [field.typeDefinition.name, field]));
    expect(byName.daysUntilDue.typeDefinition).toEqual({ name: 'daysUntilDue', type: 'number', fieldType: 'number' });
    expect(byName.daysUntilDue.isRequired).toBe(false);
    expect(byName.createPaid.typeDefinition.type).toBe('enumeration');
    expect(byName.createPaid.typeDefinition.fieldType).toBe('select');
    expect(byName.createPaid.typeDefinition.options.map((option: { value: string }) => option.value).sort()).toEqual(['false', 'true']);
    expect(config.labels.en.inputFieldLabels.createPaid).toBe('Create a paid invoice if the deal has payment information');
  });
});
