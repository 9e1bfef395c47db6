import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure, normalizeBaseUrl, rebaseUrl, renderConfigTs } from '../scripts/configure.mjs';
import { API_BASE_URL } from '@hubspot-quickbooks/shared/config';

const PROJECT = path.resolve(import.meta.dirname, '..');
const DEPLOYED = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
// The card, the workflow actions, and what the sync writes (contacts, products, invoices, line items and
// our properties on them; `e-commerce` is the only scope that creates product and line item properties).
const REQUIRED_SCOPES = [
  'oauth',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.line_items.read',
  'crm.objects.line_items.write',
  'crm.objects.products.read',
  'crm.objects.products.write',
  'crm.objects.quotes.read',
  'crm.objects.invoices.read',
  'crm.objects.invoices.write',
  'crm.objects.commercepayments.read',
  'crm.schemas.deals.write',
  'crm.schemas.contacts.write',
  'crm.schemas.invoices.write',
  'e-commerce',
  'automation',
];

const readJson = async (...parts: string[]) => JSON.parse(await readFile(path.join(...parts), 'utf8'));
const ACTIONS_DIR = 'src/app/workflow-actions';
const actionFiles = async (dir: string) => (await readdir(path.join(dir, ACTIONS_DIR))).filter((name) => name.endsWith('-hsmeta.json')).sort();

/** Every URL of ours in a workflow-action definition: the actionUrl and each input's optionsUrl. */
function actionUrls(meta: { config: { actionUrl: string; inputFields: { typeDefinition: { optionsUrl?: string } }[] } }) {
  return [meta.config.actionUrl, ...meta.config.inputFields.flatMap((field) => field.typeDefinition.optionsUrl ?? [])];
}

describe('the committed HubSpot project', () => {
  it('points app-hsmeta.json and config.ts at the same base URL', async () => {
    const meta = await readJson(PROJECT, 'src/app/app-hsmeta.json');
    expect(meta.config.auth.redirectUrls).toEqual([`${API_BASE_URL}/oauth/hubspot/callback`]);
    expect(meta.config.permittedUrls.fetch).toEqual([API_BASE_URL]);
    // config.ts must be exactly what the script writes, so a hand edit shows up here.
    expect(await readFile(path.join(PROJECT, 'src/app/packages/shared/config.ts'), 'utf8')).toBe(renderConfigTs(API_BASE_URL));
  });

  it('is a marketplace OAuth app with exactly the scopes the integration needs', async () => {
    const meta = await readJson(PROJECT, 'src/app/app-hsmeta.json');
    expect(meta.type).toBe('app');
    expect(meta.config.distribution).toBe('marketplace');
    expect(meta.config.auth.type).toBe('oauth');
    expect(meta.config.auth.requiredScopes).toEqual(REQUIRED_SCOPES);
    expect(await readJson(PROJECT, 'hsproject.json')).toEqual({
      name: 'hubspot-quickbooks-online',
      srcDir: 'src',
      platformVersion: '2026.03',
    });
  });

  it('points every workflow action URL at the same base URL', async () => {
    const files = await actionFiles(PROJECT);
    expect(files).toHaveLength(3);
    for (const file of files) {
      for (const url of actionUrls(await readJson(PROJECT, ACTIONS_DIR, file))) {
        expect(url.startsWith(`${API_BASE_URL}/actions/`), `${file}: ${url}`).toBe(true);
      }
    }
  });

  it('declares a settings page whose entrypoint exists', async () => {
    const settings = await readJson(PROJECT, 'src/app/settings/settings-hsmeta.json');
    expect(settings.type).toBe('settings');
    expect(existsSync(path.join(PROJECT, 'src', settings.config.entrypoint))).toBe(true);
  });
});

describe('normalizeBaseUrl', () => {
  it('drops a trailing slash and keeps a path prefix', () => {
    expect(normalizeBaseUrl(`${DEPLOYED}/`)).toBe(DEPLOYED);
    expect(normalizeBaseUrl('https://qbo.example.com/prod/')).toBe('https://qbo.example.com/prod');
  });

  it.each([
    ['http://abc123.execute-api.eu-west-1.amazonaws.com', 'https'],
    ['https://localhost:3000', 'localhost'],
    ['https://127.0.0.1', 'localhost'],
    [`${DEPLOYED}?stage=prod`, 'query'],
    ['abc123.execute-api.eu-west-1.amazonaws.com', 'not a URL'],
  ])('rejects %s', (input, reason) => {
    expect(() => normalizeBaseUrl(input)).toThrow(reason);
  });
});

describe('rebaseUrl', () => {
  it('moves a URL from the old base, keeping its path', () => {
    expect(rebaseUrl(`${API_BASE_URL}/actions/invoice`, DEPLOYED, API_BASE_URL)).toBe(`${DEPLOYED}/actions/invoice`);
    expect(rebaseUrl('https://old.example.com/v1/actions/options/companies', DEPLOYED, 'https://old.example.com/v1')).toBe(
      `${DEPLOYED}/actions/options/companies`,
    );
  });

  it('falls back to the /actions/ path when the old base is unknown', () => {
    expect(rebaseUrl('https://hand-edited.example.com/stage/actions/estimate', DEPLOYED, API_BASE_URL)).toBe(`${DEPLOYED}/actions/estimate`);
  });

  it('refuses a URL that is neither', () => {
    expect(() => rebaseUrl('https://elsewhere.example.com/hook', DEPLOYED, API_BASE_URL)).toThrow('cannot tell');
  });
});

describe('npm run configure', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hubspot-project-'));
    await cp(path.join(PROJECT, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
    await cp(path.join(PROJECT, 'src/app/app-hsmeta.json'), path.join(dir, 'src/app/app-hsmeta.json'));
    const shared = 'src/app/packages/shared/package.json';
    await cp(path.join(PROJECT, shared), path.join(dir, shared));
    await cp(path.join(PROJECT, ACTIONS_DIR), path.join(dir, ACTIONS_DIR), { recursive: true });
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the redirect URL, the permitted fetch URL and config.ts, and keeps everything else', async () => {
    const before = await readJson(PROJECT, 'src/app/app-hsmeta.json');
    expect(await configure(dir, `${DEPLOYED}/`)).toBe(DEPLOYED);

    const after = await readJson(dir, 'src/app/app-hsmeta.json');
    expect(after.config.auth.redirectUrls).toEqual([`${DEPLOYED}/oauth/hubspot/callback`]);
    expect(after.config.permittedUrls.fetch).toEqual([DEPLOYED]);
    before.config.auth.redirectUrls = after.config.auth.redirectUrls;
    before.config.permittedUrls.fetch = after.config.permittedUrls.fetch;
    expect(after).toEqual(before);
    expect(await readFile(path.join(dir, 'src/app/packages/shared/config.ts'), 'utf8')).toContain(
      `export const API_BASE_URL = "${DEPLOYED}";`,
    );
  });

  it('moves every workflow action URL to the new base and keeps everything else', async () => {
    await configure(dir, 'https://qbo.example.com/prod/');
    for (const file of await actionFiles(PROJECT)) {
      const before = await readJson(PROJECT, ACTIONS_DIR, file);
      const after = await readJson(dir, ACTIONS_DIR, file);
      const expected = actionUrls(before).map((url) => url.replace(API_BASE_URL, 'https://qbo.example.com/prod'));
      expect(actionUrls(after)).toEqual(expected);
      expect(expected.every((url) => url.startsWith('https://qbo.example.com/prod/actions/'))).toBe(true);
      // Only the URLs changed.
      const strip = (meta: typeof before) => JSON.parse(JSON.stringify(meta).replaceAll(API_BASE_URL, '').replaceAll('https://qbo.example.com/prod', ''));
      expect(strip(after)).toEqual(strip(before));
    }
    // Running it again, from the new base to another, works too.
    await configure(dir, DEPLOYED);
    const invoice = await readJson(dir, ACTIONS_DIR, 'create-invoice-hsmeta.json');
    expect(invoice.config.actionUrl).toBe(`${DEPLOYED}/actions/invoice`);
    expect(actionUrls(invoice)).toContain(`${DEPLOYED}/actions/options/taxcodes`);
  });

  it('stops before writing anything when a workflow action URL is not ours', async () => {
    const file = path.join(dir, ACTIONS_DIR, 'create-estimate-hsmeta.json');
    const meta = await readJson(file);
    meta.config.actionUrl = 'https://elsewhere.example.com/hooks/estimate';
    await writeFile(file, JSON.stringify(meta));
    await expect(configure(dir, DEPLOYED)).rejects.toThrow('create-estimate-hsmeta.json');
    expect((await readJson(dir, 'src/app/app-hsmeta.json')).config.permittedUrls.fetch).toEqual([API_BASE_URL]);
    expect(existsSync(path.join(dir, 'src/app/packages/shared/config.ts'))).toBe(false);
  });

  it('runs from the command line and refuses a bad URL without touching the files', async () => {
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(dir, 'scripts/configure.mjs'), ...args]);

    const { stdout } = await run('--base-url', DEPLOYED);
    expect(stdout).toContain(`${DEPLOYED}/oauth/hubspot/callback`);
    expect(await readFile(path.join(dir, 'src/app/packages/shared/config.ts'), 'utf8')).toBe(renderConfigTs(DEPLOYED));

    await expect(run('--base-url', 'http://insecure.example.com')).rejects.toMatchObject({ code: 1 });
    await expect(run()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('usage') });
    expect((await readJson(dir, 'src/app/app-hsmeta.json')).config.permittedUrls.fetch).toEqual([DEPLOYED]);
  });
});
