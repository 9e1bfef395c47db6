import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure, normalizeBaseUrl, renderConfigTs } from '../scripts/configure.mjs';
import { API_BASE_URL } from '../src/app/config';

const PROJECT = path.resolve(import.meta.dirname, '..');
const DEPLOYED = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
const REQUIRED_SCOPES = [
  'oauth',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.line_items.read',
  'crm.objects.products.read',
  'crm.objects.quotes.read',
  'crm.schemas.deals.write',
  'automation',
];

const readJson = async (...parts: string[]) => JSON.parse(await readFile(path.join(...parts), 'utf8'));

describe('the committed HubSpot project', () => {
  it('points app-hsmeta.json and config.ts at the same base URL', async () => {
    const meta = await readJson(PROJECT, 'src/app/app-hsmeta.json');
    expect(meta.config.auth.redirectUrls).toEqual([`${API_BASE_URL}/oauth/hubspot/callback`]);
    expect(meta.config.permittedUrls.fetch).toEqual([API_BASE_URL]);
    // config.ts must be exactly what the script writes, so a hand edit shows up here.
    expect(await readFile(path.join(PROJECT, 'src/app/config.ts'), 'utf8')).toBe(renderConfigTs(API_BASE_URL));
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

describe('npm run configure', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hubspot-project-'));
    await cp(path.join(PROJECT, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
    await cp(path.join(PROJECT, 'src/app/app-hsmeta.json'), path.join(dir, 'src/app/app-hsmeta.json'));
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
    expect(await readFile(path.join(dir, 'src/app/config.ts'), 'utf8')).toContain(
      `export const API_BASE_URL = "${DEPLOYED}";`,
    );
  });

  it('runs from the command line and refuses a bad URL without touching the files', async () => {
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(dir, 'scripts/configure.mjs'), ...args]);

    const { stdout } = await run('--base-url', DEPLOYED);
    expect(stdout).toContain(`${DEPLOYED}/oauth/hubspot/callback`);
    expect(await readFile(path.join(dir, 'src/app/config.ts'), 'utf8')).toBe(renderConfigTs(DEPLOYED));

    await expect(run('--base-url', 'http://insecure.example.com')).rejects.toMatchObject({ code: 1 });
    await expect(run()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('usage') });
    expect((await readJson(dir, 'src/app/app-hsmeta.json')).config.permittedUrls.fetch).toEqual([DEPLOYED]);
  });
});
