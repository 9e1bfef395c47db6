import { describe, expect, it } from 'vitest';
import { Alert, LoadingSpinner, Select, Tab, Tabs, Tag, TableRow, Text, Toggle } from '@hubspot/ui-extensions';
import { toSaveBody, type SyncSettings } from '@hubspot-quickbooks/shared/syncSettings';
import { ACME, apiError } from './fakeBackend';
import { FIELDS, Q, SETTINGS } from './syncFixtures';
import { allText, button, click, fire, ok, renderSync, sent, type SyncPage } from './syncPage';

const loaded = (page: SyncPage) => page.waitFor(() => expect(page.findAll(TableRow).length).toBeGreaterThan(3));
const row = (page: SyncPage, target: string) => page.findByTestId(TableRow, `mapping-${ACME.realmId}-contacts-${target}`);
const save = (page: SyncPage) => button(page, 'Save the sync settings of Acme US')!;

describe('sync settings: one company, a tab per object', () => {
  it('shows a spinner while the settings load', async () => {
    const page = renderSync({ [`GET /sync/settings?${Q}`]: () => new Promise(() => {}) });
    await page.waitFor(() => expect(page.maybeFind(LoadingSpinner, { label: 'Loading the sync settings' })).not.toBeNull());
    expect(page.maybeFind(Tabs)).toBeNull();
  });

  it('shows the switch, the behaviours and the mappings with their kind, labelled from GET /sync/fields', async () => {
    const page = renderSync();
    await loaded(page);
    expect(page.findAll(Tab).map((tab) => tab.props.title)).toEqual(['Contacts (2 failed)', 'Products', 'Invoices (1 failed)']);
    expect(page.find(Toggle, { name: 'enabled-contacts' }).props.checked).toBe(true);
    expect(page.find(Select, { name: 'onChange-contacts' }).props.value).toBe('create_and_update');
    const onDelete = page.find(Select, { name: 'onDelete-contacts' });
    expect(onDelete.props.value).toBe('mark_inactive');
    expect(onDelete.props.options.map((option) => option.label)).toContain('Keep the HubSpot contact and mark it inactive');

    await page.waitFor(() => expect(allText(row(page, 'firstname'))).toContain('First name, or else Display name'));
    expect(row(page, 'firstname').find(Tag).text).toBe('Default');
    expect(row(page, 'city').find(Tag).text).toBe('Custom');
    // Locked: shown, but neither editable nor deletable.
    expect(row(page, 'qbo_customer_key').find(Tag).text).toBe('Required by the sync');
    expect(button(row(page, 'qbo_customer_key'), 'Edit')).toBeNull();
    expect(button(row(page, 'qbo_customer_key'), 'Delete')).toBeNull();
    expect(save(page).props.disabled).toBe(true);
  });

  it('saves every change of every object in one PUT with the version read', async () => {
    const expected: SyncSettings = {
      ...SETTINGS,
      objects: {
        ...SETTINGS.objects,
        contacts: {
          ...SETTINGS.objects.contacts,
          onDelete: 'archive',
          mappings: [
            ...SETTINGS.objects.contacts.mappings.slice(0, 2),
            { sources: ['Balance'], target: 'qbo_balance', shape: 'number', isDefault: false, locked: false },
          ],
        },
        invoices: { ...SETTINGS.objects.invoices, enabled: false },
      },
    };
    const page = renderSync({
      [`PUT /sync/settings?${Q}`]: ok({ ...expected, version: 4 }),
      [`GET /sync/fields?${Q}&object=invoices`]: ok({ ...FIELDS, object: 'invoices' }),
      [`GET /sync/failures?${Q}&object=invoices`]: ok({ failures: [], next: null }),
    });
    await loaded(page);
    fire(page.find(Select, { name: 'onDelete-contacts' }), 'onChange', 'archive');
    click(button(row(page, 'city'), 'Delete'));
    await page.waitFor(() => expect(page.maybeFindByTestId(TableRow, `mapping-${ACME.realmId}-contacts-city`)).toBeNull());

    // Add: Balance → QuickBooks balance, its shape taken from the QuickBooks field.
    await page.waitFor(() => expect(button(page, 'Add a mapping')!.props.disabled).toBe(false));
    click(button(page, 'Add a mapping'));
    fire(page.find(Select, { name: 'source-0' }), 'onChange', 'Balance');
    await page.waitFor(() => expect(page.find(Select, { name: 'shape' }).props.value).toBe('number'));
    fire(page.find(Select, { name: 'target' }), 'onChange', 'qbo_balance');
    await page.waitFor(() => expect(page.find(Select, { name: 'target' }).props.value).toBe('qbo_balance'));
    // The open draft is not in the settings yet, so Save waits for it.
    expect(save(page).props.disabled).toBe(true);
    click(button(page, 'Add'));
    await page.waitFor(() => expect(row(page, 'qbo_balance').find(Tag).text).toBe('Custom'));
    expect(save(page).props.disabled).toBe(false);

    // Another tab's edit is kept and saved with the rest.
    fire(page.find(Tabs), 'onSelectedChange', 'invoices');
    await page.waitFor(() => expect(page.maybeFind(Toggle, { name: 'enabled-invoices' })).not.toBeNull());
    expect(page.maybeFind(Text, (node) => node.text === 'No field mappings for invoices yet.')).not.toBeNull();
    fire(page.find(Toggle, { name: 'enabled-invoices' }), 'onChange', false);
    await page.waitFor(() => expect(save(page).props.disabled).toBe(false));
    click(save(page));

    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Saved' })).not.toBeNull());
    expect(page.requests.at(-1)).toEqual({ method: 'PUT', path: `/sync/settings?${Q}`, body: toSaveBody(expected) });
    expect(save(page).props.disabled).toBe(true);
  });

  it('edits a mapping, offering only writable properties no other mapping writes, and checks the draft', async () => {
    const page = renderSync();
    await loaded(page);
    await page.waitFor(() => expect(button(row(page, 'city'), 'Edit')!.props.disabled).toBe(false));
    click(button(row(page, 'city'), 'Edit'));
    const targets = page.find(Select, { name: 'target' }).props.options.map((option) => option.value);
    expect(targets).toEqual(['', 'city', 'qbo_balance', 'lifecyclestage']);
    expect(page.findAll(Select, (node) => node.props.name?.startsWith('source-') ?? false)).toHaveLength(2);

    fire(page.find(Select, { name: 'source-0' }), 'onChange', '');
    fire(page.find(Select, { name: 'target' }), 'onChange', '');
    await page.waitFor(() => expect(page.find(Select, { name: 'target' }).props.value).toBe(''));
    click(button(page, 'Apply'));
    await page.waitFor(() => expect(page.find(Select, { name: 'source-0' }).props.validationMessage).toBe('Choose the QuickBooks field to read.'));
    expect(page.find(Select, { name: 'target' }).props.validationMessage).toBe('Choose the HubSpot property to write.');

    click(button(page, 'Cancel'));
    await page.waitFor(() => expect(page.maybeFind(Select, { name: 'target' })).toBeNull());
    expect(save(page).props.disabled).toBe(true);
  });

  it('on a 409 says someone else saved, keeps the edits, and reloads on request', async () => {
    let stored = SETTINGS;
    const page = renderSync({
      [`GET /sync/settings?${Q}`]: () => ok(stored)(),
      [`PUT /sync/settings?${Q}`]: () => apiError(409, 'conflict', 'The settings changed since you read them.'),
    });
    await loaded(page);
    fire(page.find(Toggle, { name: 'enabled-contacts' }), 'onChange', false);
    await page.waitFor(() => expect(save(page).props.disabled).toBe(false));
    click(save(page));

    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Someone else saved these settings' })).not.toBeNull());
    const alert = page.find(Alert, { title: 'Someone else saved these settings' });
    expect(allText(alert)).toContain('The settings changed since you read them.');
    expect(page.find(Toggle, { name: 'enabled-contacts' }).props.checked).toBe(false);

    stored = { ...SETTINGS, version: 5, objects: { ...SETTINGS.objects, contacts: { ...SETTINGS.objects.contacts, onChange: 'nothing' } } };
    click(button(alert, 'Reload the settings'));
    await page.waitFor(() => expect(page.find(Select, { name: 'onChange-contacts' }).props.value).toBe('nothing'));
    expect(page.find(Toggle, { name: 'enabled-contacts' }).props.checked).toBe(true);
    expect(page.maybeFind(Alert, { title: 'Someone else saved these settings' })).toBeNull();
    expect(sent(page).filter((request) => request.startsWith('GET /sync/settings'))).toHaveLength(2);
  });

  it("shows an invalid_mapping refusal's message and keeps the form", async () => {
    const message = 'contacts mapping 3 (→ "city"): the value is not one of the options';
    const page = renderSync({ [`PUT /sync/settings?${Q}`]: () => apiError(400, 'invalid_mapping', message) });
    await loaded(page);
    fire(page.find(Select, { name: 'onChange-contacts' }), 'onChange', 'update_only');
    await page.waitFor(() => expect(save(page).props.disabled).toBe(false));
    click(save(page));
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'A mapping was refused' })).not.toBeNull());
    expect(allText(page.find(Alert, { title: 'A mapping was refused' }))).toContain(message);
    expect(button(page, 'Reload the settings')).toBeNull();
    expect(page.find(Select, { name: 'onChange-contacts' }).props.value).toBe('update_only');
  });

  it('resets one object after asking, only without unsaved changes, and shows the answer', async () => {
    const defaults = { ...SETTINGS, version: 4, objects: { ...SETTINGS.objects, contacts: { ...SETTINGS.objects.contacts, mappings: SETTINGS.objects.contacts.mappings.slice(0, 2) } } };
    const page = renderSync({ [`POST /sync/settings/reset?${Q}&object=contacts`]: ok(defaults) });
    await loaded(page);
    fire(page.find(Toggle, { name: 'enabled-contacts' }), 'onChange', false);
    await page.waitFor(() => expect(button(page, 'Reset to defaults')!.props.disabled).toBe(true));
    click(button(page, 'Discard changes'));
    await page.waitFor(() => expect(button(page, 'Reset to defaults')!.props.disabled).toBe(false));

    click(button(page, 'Reset to defaults'));
    const confirm = page.findByTestId(Alert, `confirm-reset-${ACME.realmId}-contacts`);
    expect(sent(page).some((request) => request.startsWith('POST'))).toBe(false);
    click(button(confirm, 'Reset to defaults'));
    await page.waitFor(() => expect(page.maybeFindByTestId(TableRow, `mapping-${ACME.realmId}-contacts-city`)).toBeNull());
    expect(sent(page).at(-1)).toBe(`POST /sync/settings/reset?${Q}&object=contacts`);
    expect(page.maybeFind(Alert, { title: 'Saved' })).not.toBeNull();
  });

  it('loads the fields of the tab opened, and says when they cannot be loaded', async () => {
    const page = renderSync({
      [`GET /sync/fields?${Q}&object=products`]: () => apiError(502, 'upstream', 'HubSpot did not answer.'),
      [`GET /sync/failures?${Q}&object=products`]: ok({ failures: [], next: null }),
    });
    await loaded(page);
    fire(page.find(Tabs), 'onSelectedChange', 'products');
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, `fields-error-${ACME.realmId}-products`)).not.toBeNull());
    expect(allText(page.findByTestId(Alert, `fields-error-${ACME.realmId}-products`))).toContain('HubSpot did not answer.');
    expect(button(page, 'Add a mapping')!.props.disabled).toBe(true);
    expect(sent(page)).toContain(`GET /sync/fields?${Q}&object=products`);
  });

  it('says when the settings cannot be loaded, and tries again on request', async () => {
    let fail = true;
    const page = renderSync({
      [`GET /sync/settings?${Q}`]: () => (fail ? apiError(500, 'internal', 'Table missing.') : ok(SETTINGS)()),
    });
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'The sync settings could not be loaded' })).not.toBeNull());
    expect(page.maybeFind(Tabs)).toBeNull();
    fail = false;
    click(button(page.find(Alert, { title: 'The sync settings could not be loaded' }), 'Try again'));
    await loaded(page);
  });
});
