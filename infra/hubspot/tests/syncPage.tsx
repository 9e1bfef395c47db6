// Renders the sync section against a scripted backend (default answers from syncFixtures), with helpers to find
// and poke what the admin sees.
import { Button, type ButtonProps } from '@hubspot/ui-extensions';
import { createRenderer, type RenderedElementNode, type RenderedNode } from '@hubspot/ui-extensions/testing';
import { expect } from 'vitest';
import type { Company } from '@hubspot-quickbooks/shared/connections';
import { createSyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { SyncSection } from '../src/app/settings/sync/SyncSection';
import { ACME, BASE, fakeBackend } from './fakeBackend';
import { FAILURE_PAGE, FIELDS, HEALTH, SETTINGS } from './syncFixtures';

/** Five minutes after the fixture's cursor (20:59:59). */
export const NOW = Date.parse('2026-12-02T21:04:59Z');

export const ok = (body: unknown) => () => ({ status: 200, body });
export const queued = () => ({ status: 202, body: { queued: true } });

type Routes = Parameters<typeof fakeBackend>[0];

/** What the sync API answers for a company when it opens on its contacts tab. */
export function defaultRoutes(realmId = ACME.realmId): Routes {
  const q = `realmId=${realmId}`;
  return {
    [`GET /sync/settings?${q}`]: ok({ ...SETTINGS, realmId }),
    [`GET /sync/health?${q}`]: ok({ ...HEALTH, realmId }),
    [`GET /sync/fields?${q}&object=contacts`]: ok(FIELDS),
    [`GET /sync/failures?${q}&object=contacts`]: ok(FAILURE_PAGE),
  };
}

export function renderSync(overrides: Routes = {}, companies: Company[] = [ACME]) {
  const backend = fakeBackend({ ...defaultRoutes(), ...overrides });
  const renderer = createRenderer('settings');
  renderer.render(<SyncSection api={createSyncSettingsApi(BASE, backend.fetch)} companies={companies} now={NOW} />);
  return { ...renderer, requests: backend.requests };
}

export type SyncPage = ReturnType<typeof renderSync>;

/** "METHOD /path?query" of every request, in order. */
export const sent = (page: SyncPage) => page.requests.map((request) => `${request.method} ${request.path}`);

export const button = (parent: Pick<SyncPage, 'maybeFind'>, label: string) => parent.maybeFind(Button, (node) => node.text === label);

export function click(node: RenderedElementNode<ButtonProps> | null) {
  expect(node, 'button to click').not.toBeNull();
  node!.trigger('onClick');
}

/** Fires an event prop whose argument the typed `trigger` does not accept as written (Select, Toggle, Table). */
export const fire = (node: RenderedElementNode<any>, event: string, value: unknown) =>
  (node.trigger as unknown as (name: string, arg: unknown) => void)(event, value);

/** Everything rendered inside a node (its own `text` covers only its direct text children). */
export const allText = (node: RenderedNode): string => ('childNodes' in node ? node.childNodes.map(allText).join(' ') : node.text);
