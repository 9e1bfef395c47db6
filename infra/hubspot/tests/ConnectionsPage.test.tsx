import { describe, expect, it } from 'vitest';
import { Alert, Button, EmptyState, LoadingSpinner, StatusTag, TableRow, type ButtonProps } from '@hubspot/ui-extensions';
import { createRenderer, type RenderedElementNode, type RenderedNode } from '@hubspot/ui-extensions/testing';
import { createConnectionsApi, type Company } from '@hubspot-quickbooks/shared/connections';
import { ConnectionsPage } from '../src/app/settings/ConnectionsPage';
import { ACME, BASE, GLOBEX, SANDBOX, apiError, fakeBackend } from './fakeBackend';

const CONNECT_URL = 'https://appcenter.intuit.com/connect/oauth2?client_id=abc&state=one-time';

function renderPage(routes: Parameters<typeof fakeBackend>[0]) {
  const backend = fakeBackend(routes);
  const renderer = createRenderer('settings');
  renderer.render(<ConnectionsPage api={createConnectionsApi(BASE, backend.fetch)} />);
  return { ...renderer, requests: backend.requests };
}

function listing(...companies: Company[]) {
  return () => ({ status: 200, body: { companies } });
}

type Renderer = ReturnType<typeof renderPage>;

const row = (page: Renderer, company: Company) => page.findByTestId(TableRow, `company-${company.realmId}`);
const button = (parent: Pick<Renderer, 'maybeFind'>, label: string) => parent.maybeFind(Button, (node) => node.text === label);
const click = (node: RenderedElementNode<ButtonProps> | null) => {
  expect(node, 'button to click').not.toBeNull();
  node!.trigger('onClick');
};
// A node's own `text` covers only its direct text children; this gathers everything rendered inside it.
const allText = (node: RenderedNode): string =>
  'childNodes' in node ? node.childNodes.map(allText).join(' ') : node.text;
const alertTitles = (page: Renderer) => page.findAll(Alert).map((alert) => alert.props.title);

describe('settings page', () => {
  it('shows a spinner while the list loads', async () => {
    const page = renderPage({ 'GET /connections': () => new Promise(() => {}) });
    expect(page.maybeFind(LoadingSpinner)).not.toBeNull();
    expect(page.maybeFind(TableRow)).toBeNull();
  });

  it('lists companies with their environment, health and last success', async () => {
    const page = renderPage({ 'GET /connections': listing(ACME, GLOBEX, SANDBOX) });
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(3));
    expect(page.maybeFind(LoadingSpinner)).toBeNull();

    const tag = (company: Company) => row(page, company).find(StatusTag);
    expect([tag(ACME).props.variant, tag(ACME).text]).toEqual(['success', 'Active']);
    expect([tag(GLOBEX).props.variant, tag(GLOBEX).text]).toEqual(['warning', 'Reconnect needed']);
    expect([tag(SANDBOX).props.variant, tag(SANDBOX).text]).toEqual(['default', 'Disconnected']);

    expect(allText(row(page, ACME))).toContain('Acme US');
    expect(allText(row(page, ACME))).toContain('Production');
    expect(allText(row(page, ACME))).toContain('2026-11-22 10:00 UTC');
    expect(allText(row(page, SANDBOX))).toContain('Sandbox');
    expect(allText(row(page, SANDBOX))).toContain('Never');
    expect(page.requests).toEqual([{ method: 'GET', path: '/connections', body: undefined }]);
  });

  it('offers Reconnect only where the connection is not active, and Disconnect only where it is not disconnected', async () => {
    const page = renderPage({ 'GET /connections': listing(ACME, GLOBEX, SANDBOX) });
    await page.waitFor(() => expect(page.findAll(TableRow)).toHaveLength(4));
    const labels = (company: Company) => row(page, company).findAll(Button).map((node) => node.text);
    expect(labels(ACME)).toEqual(['Disconnect']);
    expect(labels(GLOBEX)).toEqual(['Reconnect', 'Disconnect']);
    expect(labels(SANDBOX)).toEqual(['Reconnect']);
  });

  it('reconnects by fetching a one-time URL and showing it as an external link', async () => {
    const page = renderPage({
      'GET /connections': listing(GLOBEX),
      [`POST /connections/${GLOBEX.realmId}/reconnect`]: () => ({ status: 200, body: { url: CONNECT_URL } }),
    });
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(1));
    click(button(row(page, GLOBEX), 'Reconnect'));

    await page.waitFor(() => expect(button(page, 'Reconnect Globex UK in QuickBooks')).not.toBeNull());
    expect(button(page, 'Reconnect Globex UK in QuickBooks')!.props.href).toEqual({ url: CONNECT_URL, external: true });
    expect(page.requests.at(-1)).toEqual({ method: 'POST', path: `/connections/${GLOBEX.realmId}/reconnect`, body: undefined });
  });

  it.each([
    ['Connect QuickBooks', 'production', 'Open QuickBooks'],
    ['Connect a sandbox company', 'sandbox', 'Open QuickBooks sandbox'],
  ])('"%s" fetches a %s connect URL and links to it', async (label, environment, linkLabel) => {
    const page = renderPage({
      'GET /connections': listing(),
      'POST /connections/connect-url': () => ({ status: 200, body: { url: CONNECT_URL } }),
    });
    await page.waitFor(() => expect(page.maybeFind(EmptyState)).not.toBeNull());
    expect(button(page, linkLabel)).toBeNull();
    click(button(page, label));

    await page.waitFor(() => expect(button(page, linkLabel)).not.toBeNull());
    expect(button(page, linkLabel)!.props.href).toEqual({ url: CONNECT_URL, external: true });
    expect(page.requests.at(-1)).toEqual({ method: 'POST', path: '/connections/connect-url', body: { environment } });
  });

  it('asks before disconnecting, then calls DELETE and reloads the list', async () => {
    let companies = [ACME];
    const page = renderPage({
      'GET /connections': () => ({ status: 200, body: { companies } }),
      [`DELETE /connections/${ACME.realmId}`]: () => {
        companies = [{ ...ACME, status: 'disconnected' }];
        return { status: 200, body: { company: companies[0] } };
      },
    });
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(1));

    click(button(row(page, ACME), 'Disconnect'));
    const confirm = page.findByTestId(Alert, 'confirm-disconnect');
    expect(confirm.props.title).toBe('Disconnect Acme US?');
    expect(page.requests.map((request) => request.method)).toEqual(['GET']);

    click(button(confirm, 'Disconnect'));
    await page.waitFor(() => expect(row(page, ACME).find(StatusTag).text).toBe('Disconnected'));
    expect(page.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /connections',
      `DELETE /connections/${ACME.realmId}`,
      'GET /connections',
    ]);
    expect(page.maybeFindByTestId(Alert, 'confirm-disconnect')).toBeNull();
  });

  it('sends nothing when the admin cancels the disconnect', async () => {
    const page = renderPage({ 'GET /connections': listing(ACME) });
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(1));
    click(button(row(page, ACME), 'Disconnect'));
    click(button(page.findByTestId(Alert, 'confirm-disconnect'), 'Cancel'));

    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'confirm-disconnect')).toBeNull());
    expect(page.requests).toHaveLength(1);
  });

  it('tells the admin to reinstall the app when the portal is unknown', async () => {
    const page = renderPage({
      'GET /connections': () => apiError(404, 'unknown_portal', 'HubSpot account 123 has not installed the app.'),
    });
    await page.waitFor(() => expect(alertTitles(page)).toContain('This HubSpot account is not installed'));
    const alert = page.find(Alert, { title: 'This HubSpot account is not installed' });
    expect(alert.props.variant).toBe('error');
    expect(allText(alert)).toContain('HubSpot account 123 has not installed the app.');
    expect(allText(alert)).toContain('Reinstall the app');
    expect(page.maybeFind(LoadingSpinner)).toBeNull();
  });

  it("shows the backend's message when an action fails and keeps the list", async () => {
    const page = renderPage({
      'GET /connections': listing(ACME),
      [`DELETE /connections/${ACME.realmId}`]: () => apiError(502, 'upstream', 'Intuit did not answer; try again.'),
    });
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(1));
    click(button(row(page, ACME), 'Disconnect'));
    click(button(page.findByTestId(Alert, 'confirm-disconnect'), 'Disconnect'));

    await page.waitFor(() => expect(alertTitles(page)).toContain('QuickBooks did not answer as expected'));
    expect(allText(page.find(Alert, { title: 'QuickBooks did not answer as expected' }))).toContain('Intuit did not answer; try again.');
    expect(row(page, ACME).find(StatusTag).text).toBe('Active');
  });

  it('Refresh reloads the list and clears a used connect link', async () => {
    let companies: Company[] = [];
    const page = renderPage({
      'GET /connections': () => ({ status: 200, body: { companies } }),
      'POST /connections/connect-url': () => ({ status: 200, body: { url: CONNECT_URL } }),
    });
    await page.waitFor(() => expect(page.maybeFind(EmptyState)).not.toBeNull());
    click(button(page, 'Connect QuickBooks'));
    await page.waitFor(() => expect(button(page, 'Open QuickBooks')).not.toBeNull());

    companies = [ACME];
    click(button(page, 'Refresh'));
    await page.waitFor(() => expect(page.findAll(StatusTag)).toHaveLength(1));
    expect(button(page, 'Open QuickBooks')).toBeNull();
  });
});
