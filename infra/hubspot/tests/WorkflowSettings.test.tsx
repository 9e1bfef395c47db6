import { describe, expect, it } from 'vitest';
import { Alert, Button, Input, Select, StatusTag, Toggle, type ButtonProps } from '@hubspot/ui-extensions';
import { createRenderer, type RenderedElementNode } from '@hubspot/ui-extensions/testing';
import { ConnectionsApiError, createConnectionsApi, type FetchLike } from '@hubspot-quickbooks/shared/connections';
import { createWorkflowSettingsApi, toBody, validateSettings, type WorkflowSettings } from '@hubspot-quickbooks/shared/workflowSettings';
import { ConnectionsPage } from '../src/app/settings/ConnectionsPage';
import { ACME, BASE, GLOBEX, SANDBOX, apiError, fakeBackend } from './fakeBackend';

const SETTINGS: WorkflowSettings = { createCustomers: true, unmatchedItem: 'fail', defaultItems: { [ACME.realmId]: '17' }, incomeAccounts: {} };

async function failureOf(promise: Promise<unknown>): Promise<ConnectionsApiError> {
  const error = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectionsApiError);
  return error as ConnectionsApiError;
}

describe('workflow settings client', () => {
  it('reads GET /settings and writes PUT /settings with the same shape', async () => {
    const saved = { ...SETTINGS, unmatchedItem: 'default_item' };
    const backend = fakeBackend({
      'GET /settings': () => ({ status: 200, body: SETTINGS }),
      'PUT /settings': (request) => ({ status: 200, body: request.body }),
    });
    const api = createWorkflowSettingsApi(`${BASE}/`, backend.fetch);
    expect(await api.get()).toEqual(SETTINGS);
    expect(await api.save({ ...SETTINGS, unmatchedItem: 'default_item', defaultItems: { [ACME.realmId]: ' 17 ', [GLOBEX.realmId]: '' } })).toEqual(saved);
    expect(backend.requests).toEqual([
      { method: 'GET', path: '/settings', body: undefined },
      { method: 'PUT', path: '/settings', body: saved },
    ]);
  });

  it('accepts the settings wrapped as { settings } and a missing defaultItems', async () => {
    const backend = fakeBackend({ 'GET /settings': () => ({ status: 200, body: { settings: { createCustomers: false, unmatchedItem: 'fail' } } }) });
    expect(await createWorkflowSettingsApi(BASE, backend.fetch).get()).toEqual({ createCustomers: false, unmatchedItem: 'fail', defaultItems: {}, incomeAccounts: {} });
  });

  it.each([
    ['an unknown unmatchedItem', { ...SETTINGS, unmatchedItem: 'create' }],
    ['a non-boolean createCustomers', { ...SETTINGS, createCustomers: 'yes' }],
    ['a numeric item id', { ...SETTINGS, defaultItems: { x: 17 } }],
    ['a numeric account id', { ...SETTINGS, incomeAccounts: { x: 79 } }],
  ])('rejects %s as unexpected_response', async (_case, body) => {
    const backend = fakeBackend({ 'GET /settings': () => ({ status: 200, body }) });
    expect((await failureOf(createWorkflowSettingsApi(BASE, backend.fetch).get())).code).toBe('unexpected_response');
  });

  it("passes the backend's error on, and a failed fetch as a network error", async () => {
    const backend = fakeBackend({ 'PUT /settings': () => apiError(400, 'bad_request', 'defaultItems: item 99 does not exist in Acme US.') });
    const error = await failureOf(createWorkflowSettingsApi(BASE, backend.fetch).save(SETTINGS));
    expect([error.code, error.message, error.status]).toEqual(['bad_request', 'defaultItems: item 99 does not exist in Acme US.', 400]);
    const down: FetchLike = async () => {
      throw new Error('timeout');
    };
    expect((await failureOf(createWorkflowSettingsApi(BASE, down).get())).code).toBe('network');
  });

  it('validates item ids and asks for at least one default item when unmatched lines use one', () => {
    expect(validateSettings(SETTINGS, [ACME.realmId])).toEqual({});
    expect(validateSettings({ ...SETTINGS, defaultItems: { [ACME.realmId]: 'Services' } }, [ACME.realmId])).toEqual({
      [`defaultItems.${ACME.realmId}`]: 'A QuickBooks item id is a number, e.g. 17.',
    });
    expect(validateSettings({ ...SETTINGS, unmatchedItem: 'default_item', defaultItems: {} }, [ACME.realmId, GLOBEX.realmId])).toEqual({
      unmatchedItem: 'Enter a default item id for at least one company.',
    });
    expect(validateSettings({ ...SETTINGS, unmatchedItem: 'default_item' }, [ACME.realmId, GLOBEX.realmId])).toEqual({});
    expect(toBody({ ...SETTINGS, defaultItems: { a: ' ', b: ' 5' } })).toEqual({ ...SETTINGS, defaultItems: { b: '5' } });
  });

  it('asks for an income account when unmatched lines create products, and lists them from the backend', async () => {
    const creating: WorkflowSettings = { ...SETTINGS, unmatchedItem: 'create_item' };
    expect(validateSettings(creating, [ACME.realmId])).toEqual({
      unmatchedItem: 'Choose an income account for at least one company.',
    });
    expect(validateSettings({ ...creating, incomeAccounts: { [ACME.realmId]: '79' } }, [ACME.realmId])).toEqual({});
    const backend = fakeBackend({
      [`GET /settings/income-accounts?realmId=${ACME.realmId}`]: () => ({
        status: 200,
        body: { accounts: [{ id: '79', name: 'Sales of Product Income' }] },
      }),
    });
    expect(await createWorkflowSettingsApi(BASE, backend.fetch).incomeAccounts(ACME.realmId)).toEqual([
      { id: '79', name: 'Sales of Product Income' },
    ]);
  });
});

function renderPage(routes: Parameters<typeof fakeBackend>[0]) {
  const backend = fakeBackend(routes);
  const renderer = createRenderer('settings');
  renderer.render(
    <ConnectionsPage api={createConnectionsApi(BASE, backend.fetch)} workflowSettings={createWorkflowSettingsApi(BASE, backend.fetch)} />,
  );
  return { ...renderer, requests: backend.requests };
}

type Page = ReturnType<typeof renderPage>;
const button = (page: Page, label: string) => page.maybeFind(Button, (node) => node.text === label);
const click = (node: RenderedElementNode<ButtonProps> | null) => {
  expect(node, 'button to click').not.toBeNull();
  node!.trigger('onClick');
};
const fire = (node: RenderedElementNode<any>, event: string, value: unknown) =>
  (node.trigger as unknown as (name: string, arg: unknown) => void)(event, value);

describe('settings page: workflow behaviour', () => {
  const listing = () => ({ status: 200, body: { companies: [ACME, GLOBEX, SANDBOX] } });

  it('shows the settings with a default item per connected company', async () => {
    const page = renderPage({ 'GET /connections': listing, 'GET /settings': () => ({ status: 200, body: SETTINGS }) });
    await page.waitFor(() => expect(page.maybeFind(Toggle)).not.toBeNull());
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(3));
    expect(page.find(Toggle).props.checked).toBe(true);
    expect(page.find(Select, { name: 'unmatchedItem' }).props.value).toBe('fail');
    // The disconnected sandbox company gets no field.
    expect(page.findAll(Input).map((node) => [node.props.label, node.props.value])).toEqual([
      ['Default item id for Acme US', '17'],
      ['Default item id for Globex UK', ''],
    ]);
    expect(button(page, 'Save workflow behaviour')!.props.disabled).toBe(true);
  });

  it('saves the changed settings with PUT /settings', async () => {
    const page = renderPage({
      'GET /connections': listing,
      'GET /settings': () => ({ status: 200, body: SETTINGS }),
      'PUT /settings': (request) => ({ status: 200, body: request.body }),
    });
    await page.waitFor(() => expect(page.maybeFind(Toggle)).not.toBeNull());
    await page.waitFor(() => expect(page.findAll(Input)).toHaveLength(2));
    fire(page.find(Toggle), 'onChange', false);
    fire(page.find(Select, { name: 'unmatchedItem' }), 'onChange', 'default_item');
    await page.waitFor(() => expect(page.find(Select, { name: 'unmatchedItem' }).props.value).toBe('default_item'));
    fire(page.find(Input, { name: `defaultItem-${GLOBEX.realmId}` }), 'onChange', ' 42 ');
    await page.waitFor(() => expect(button(page, 'Save workflow behaviour')!.props.disabled).toBe(false));
    click(button(page, 'Save workflow behaviour'));

    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Saved' })).not.toBeNull());
    expect(page.requests.at(-1)).toEqual({
      method: 'PUT',
      path: '/settings',
      body: {
        createCustomers: false,
        unmatchedItem: 'default_item',
        defaultItems: { [ACME.realmId]: '17', [GLOBEX.realmId]: '42' },
        incomeAccounts: {},
      },
    });
    expect(page.find(Input, { name: `defaultItem-${GLOBEX.realmId}` }).props.value).toBe('42');
    expect(button(page, 'Save workflow behaviour')!.props.disabled).toBe(true);
  });

  it('refuses an item id that is not a number, and keeps the input when the backend refuses', async () => {
    const page = renderPage({
      'GET /connections': listing,
      'GET /settings': () => ({ status: 200, body: SETTINGS }),
      'PUT /settings': () => apiError(400, 'bad_request', 'Item 99 does not exist in Acme US.'),
    });
    await page.waitFor(() => expect(page.findAll(Input)).toHaveLength(2));
    fire(page.find(Input, { name: `defaultItem-${ACME.realmId}` }), 'onChange', 'Services');
    await page.waitFor(() => expect(button(page, 'Save workflow behaviour')!.props.disabled).toBe(false));
    click(button(page, 'Save workflow behaviour'));
    await page.waitFor(() =>
      expect(page.find(Input, { name: `defaultItem-${ACME.realmId}` }).props.validationMessage).toBe('A QuickBooks item id is a number, e.g. 17.'),
    );
    expect(page.requests.some((request) => request.method === 'PUT')).toBe(false);

    fire(page.find(Input, { name: `defaultItem-${ACME.realmId}` }), 'onChange', '99');
    await page.waitFor(() => expect(page.find(Input, { name: `defaultItem-${ACME.realmId}` }).props.value).toBe('99'));
    click(button(page, 'Save workflow behaviour'));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'workflow-settings-error')).not.toBeNull());
    expect(page.find(Input, { name: `defaultItem-${ACME.realmId}` }).props.value).toBe('99');
  });

  it('keeps the rest of the page working when the settings cannot be loaded', async () => {
    const page = renderPage({ 'GET /connections': listing, 'GET /settings': () => apiError(500, 'internal', 'Settings table missing.') });
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'workflow-settings-error')).not.toBeNull());
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(3));
    expect(page.maybeFind(Toggle)).toBeNull();
  });

  it('offers each active company its income accounts when unmatched lines create products, and saves the choice', async () => {
    const page = renderPage({
      'GET /connections': listing,
      'GET /settings': () => ({ status: 200, body: SETTINGS }),
      [`GET /settings/income-accounts?realmId=${ACME.realmId}`]: () => ({
        status: 200,
        body: { accounts: [{ id: '1', name: 'Services' }, { id: '79', name: 'Sales of Product Income' }] },
      }),
      'PUT /settings': (request) => ({ status: 200, body: request.body }),
    });
    await page.waitFor(() => expect(page.findAll(Input)).toHaveLength(2));
    expect(page.requests.some((request) => request.path.startsWith('/settings/income-accounts'))).toBe(false);
    fire(page.find(Select, { name: 'unmatchedItem' }), 'onChange', 'create_item');
    await page.waitFor(() => expect(page.maybeFind(Select, { name: `incomeAccount-${ACME.realmId}` })).not.toBeNull());
    const select = page.find(Select, { name: `incomeAccount-${ACME.realmId}` });
    expect(select.props.options.map((option) => option.value)).toEqual(['', '1', '79']);
    // Globex needs reconnecting: it is not asked, and says why.
    expect(page.requests.filter((request) => request.path.startsWith('/settings/income-accounts'))).toHaveLength(1);
    expect(page.maybeFind(Select, { name: `incomeAccount-${GLOBEX.realmId}` })).toBeNull();
    expect(page.findAll(Input)).toHaveLength(0);
    click(button(page, 'Save workflow behaviour'));
    await page.waitFor(() =>
      expect(page.find(Select, { name: 'unmatchedItem' }).props.validationMessage).toBe('Choose an income account for at least one company.'),
    );
    fire(page.find(Select, { name: `incomeAccount-${ACME.realmId}` }), 'onChange', '79');
    await page.waitFor(() => expect(page.find(Select, { name: `incomeAccount-${ACME.realmId}` }).props.value).toBe('79'));
    click(button(page, 'Save workflow behaviour'));
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Saved' })).not.toBeNull());
    expect(page.requests.at(-1)).toEqual({
      method: 'PUT',
      path: '/settings',
      body: { createCustomers: true, unmatchedItem: 'create_item', defaultItems: { [ACME.realmId]: '17' }, incomeAccounts: { [ACME.realmId]: '79' } },
    });
  });
});
