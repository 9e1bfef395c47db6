import { describe, expect, it } from 'vitest';
import { Alert, DescriptionListItem, StatusTag, Table, TableRow, Tabs, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createConnectionsApi } from '@hubspot-quickbooks/shared/connections';
import { createSyncSettingsApi, type Failure } from '@hubspot-quickbooks/shared/syncSettings';
import { ConnectionsPage } from '../src/app/settings/ConnectionsPage';
import { ACME, BASE, GLOBEX, SANDBOX, apiError, fakeBackend } from './fakeBackend';
import { FAILURE_PAGE, HEALTH, Q } from './syncFixtures';
import { allText, button, click, defaultRoutes, fire, ok, queued, renderSync, sent, type SyncPage } from './syncPage';

const failure = (qboId: string): Failure => ({ ...FAILURE_PAGE.failures[0], qboId, hubspotId: null, name: null });
const failureRows = (page: SyncPage) => page.findAll(TableRow, (node) => node.props.testId?.startsWith(`failure-${ACME.realmId}-contacts-`) ?? false);
const healthItem = (page: SyncPage, label: string) => allText(page.find(DescriptionListItem, { label }));

describe('sync health and failed records', () => {
  it("shows the company's state, the object's last run and how old its cursor is", async () => {
    const page = renderSync();
    await page.waitFor(() => expect(page.maybeFind(DescriptionListItem, { label: 'Last run' })).not.toBeNull());
    expect(page.find(StatusTag).text).toBe('Syncing');
    expect(healthItem(page, 'Last run')).toContain('2026-12-02 21:00 UTC, took 4 s, completed: 120 read, 118 written, 2 failed');
    expect(healthItem(page, 'Read up to')).toContain('2026-12-02 20:59 UTC (5 minutes ago)');
    expect(healthItem(page, 'Failed records')).toContain('2');

    fire(page.find(Tabs), 'onSelectedChange', 'products');
    await page.waitFor(() => expect(healthItem(page, 'Last run')).toContain('Not run yet'));
    expect(healthItem(page, 'Read up to')).toContain('Not read completely yet');
  });

  it.each([
    ['reconnect_needed', 'Reconnect needed', 'reconnect', 'The QuickBooks grant was revoked.'],
    ['stuck', 'Stuck', 'stuck', 'The last three runs failed.'],
  ])('makes a %s company visible with its message', async (state, tag, testId, message) => {
    const page = renderSync({ [`GET /sync/health?${Q}`]: ok({ ...HEALTH, state, message }) });
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, `${testId}-${ACME.realmId}`)).not.toBeNull());
    expect(page.find(StatusTag).text).toBe(tag);
    expect(allText(page.findByTestId(Alert, `${testId}-${ACME.realmId}`))).toContain(message);
  });

  it('keeps the settings usable when the health cannot be read', async () => {
    const page = renderSync({ [`GET /sync/health?${Q}`]: () => apiError(500, 'internal', 'Health table missing.') });
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, `health-error-${ACME.realmId}`)).not.toBeNull());
    await page.waitFor(() => expect(page.maybeFind(Tabs)).not.toBeNull());
    expect(page.maybeFind(DescriptionListItem)).toBeNull();
  });

  it('lists failures with their reason and retries one, then shows it queued', async () => {
    const page = renderSync({ [`POST /sync/failures/retry?${Q}`]: queued });
    await page.waitFor(() => expect(failureRows(page)).toHaveLength(1));
    const row = failureRows(page)[0];
    expect(allText(row)).toContain('Acme Ltd (id 1201)');
    expect(allText(row)).toContain('HubSpot refused the e-mail address "a@b": it is not a valid address');
    click(button(row, 'Retry'));
    await page.waitFor(() => expect(allText(failureRows(page)[0])).toContain('Queued'));
    expect(page.requests.at(-1)).toEqual({ method: 'POST', path: `/sync/failures/retry?${Q}`, body: { object: 'contacts', qboId: '58' } });
  });

  it('pages through failures with the next token, keeping the pages read', async () => {
    const page = renderSync({
      [`GET /sync/failures?${Q}&object=contacts`]: ok({ failures: [failure('1'), failure('2')], next: 'tok/2' }),
      [`GET /sync/failures?${Q}&object=contacts&after=tok%2F2`]: ok({ failures: [failure('3')], next: null }),
    });
    await page.waitFor(() => expect(failureRows(page)).toHaveLength(2));
    const table = () => page.find(Table, (node) => node.props.paginated === true);
    expect(table().props).toMatchObject({ pageCount: 2, page: 1 });
    expect(allText(failureRows(page)[0])).toContain('Not in HubSpot yet');

    fire(table(), 'onPageChange', 2);
    await page.waitFor(() => expect(failureRows(page).map((node) => node.props.testId)).toEqual([`failure-${ACME.realmId}-contacts-3`]));
    expect(table().props).toMatchObject({ pageCount: 2, page: 2 });
    fire(table(), 'onPageChange', 1);
    await page.waitFor(() => expect(failureRows(page)).toHaveLength(2));
    expect(sent(page).filter((request) => request.startsWith('GET /sync/failures'))).toHaveLength(2);
  });

  it('says when nothing failed, and when the list cannot be read', async () => {
    const empty = renderSync({ [`GET /sync/failures?${Q}&object=contacts`]: ok({ failures: [], next: null }) });
    await empty.waitFor(() => expect(empty.maybeFind(Text, (node) => node.text?.startsWith('No failed contacts') ?? false)).not.toBeNull());

    const broken = renderSync({ [`GET /sync/failures?${Q}&object=contacts`]: () => apiError(500, 'internal', 'Scan failed.') });
    await broken.waitFor(() => expect(broken.maybeFindByTestId(Alert, `failures-error-${ACME.realmId}-contacts`)).not.toBeNull());
    expect(allText(broken.findByTestId(Alert, `failures-error-${ACME.realmId}-contacts`))).toContain('Scan failed.');
  });

  it("retries every failure of the company with an empty body", async () => {
    const page = renderSync({ [`POST /sync/failures/retry?${Q}`]: queued });
    await page.waitFor(() => expect(button(page, 'Retry all 3 failed records')).not.toBeNull());
    click(button(page, 'Retry all 3 failed records'));
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Retry queued' })).not.toBeNull());
    expect(page.requests.at(-1)).toEqual({ method: 'POST', path: `/sync/failures/retry?${Q}`, body: {} });
    expect(button(page, 'Retry all 3 failed records')!.props.disabled).toBe(true);
  });

  it('resyncs the object, but not while there are unsaved changes', async () => {
    const page = renderSync({ [`POST /sync/resync?${Q}&object=contacts`]: queued });
    await page.waitFor(() => expect(button(page, 'Resync contacts')).not.toBeNull());
    click(button(page, 'Discard changes'));
    click(button(page, 'Resync contacts'));
    await page.waitFor(() => expect(page.maybeFind(Alert, { title: 'Resync queued' })).not.toBeNull());
    expect(sent(page).at(-1)).toBe(`POST /sync/resync?${Q}&object=contacts`);

    const failing = renderSync({ [`POST /sync/resync?${Q}&object=contacts`]: () => apiError(404, 'not_found', 'Not connected.') });
    await failing.waitFor(() => expect(button(failing, 'Resync contacts')).not.toBeNull());
    click(button(failing, 'Resync contacts'));
    await failing.waitFor(() => expect(failing.maybeFind(Alert, { title: 'This company is no longer connected' })).not.toBeNull());
  });
});

describe('settings page: the sync section', () => {
  it('adds a section for each connected company, none for a disconnected one', async () => {
    const backend = fakeBackend({
      'GET /connections': ok({ companies: [ACME, GLOBEX, SANDBOX] }),
      ...defaultRoutes(),
      ...defaultRoutes(GLOBEX.realmId),
      [`GET /sync/health?realmId=${GLOBEX.realmId}`]: ok({ ...HEALTH, realmId: GLOBEX.realmId, state: 'reconnect_needed', message: 'Reconnect.' }),
    });
    const page = createRenderer('settings');
    page.render(<ConnectionsPage api={createConnectionsApi(BASE, backend.fetch)} syncSettings={createSyncSettingsApi(BASE, backend.fetch)} />);
    await page.waitFor(() => expect(page.findAll(Tabs)).toHaveLength(2));
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, `reconnect-${GLOBEX.realmId}`)).not.toBeNull());
    expect(backend.requests.some((request) => request.path.includes(SANDBOX.realmId))).toBe(false);
  });
});
