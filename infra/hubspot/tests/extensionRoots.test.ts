// HubSpot builds and deploys each extension point (src/app/cards, src/app/settings, …) from its own directory:
// only the files under that root are packaged, so an import that climbs out of it (`../lib/x`) works locally
// and fails once deployed (HubSpot's `no-parent-imports` lint rule). Code shared between extension points
// must be an npm workspace package under src/app/packages/, depended on and imported by name. See README,
// "Shared code (npm workspaces)". These tests keep it that way.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PROJECT = path.resolve(import.meta.dirname, '..');
const APP = path.join(PROJECT, 'src', 'app');
const PACKAGES = path.join(APP, 'packages');
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;

interface PackageJson {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8'));
const dirs = (dir: string) =>
  readdirSync(dir).filter((name) => name !== 'node_modules' && statSync(path.join(dir, name)).isDirectory());

/** The extension points' roots: every directory of src/app but packages/ (cards, settings, workflow-actions). */
const extensionRoots = () => dirs(APP).filter((name) => name !== 'packages').map((name) => path.join(APP, name));
/** The shared workspace packages' roots: src/app/packages/*. */
const packageRoots = () => (existsSync(PACKAGES) ? dirs(PACKAGES).map((name) => path.join(PACKAGES, name)) : []);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules') return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every module specifier of a file: import/export … from, import '…', import(…), require(…). */
export function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName);
}

/** The relative specifiers of `text` (a file at `file`) that resolve outside `root`. */
export function escapes(root: string, file: string, text: string): string[] {
  return specifiers(text).filter((spec) => {
    if (!spec.startsWith('.')) return false;
    const rel = path.relative(root, path.resolve(path.dirname(file), spec));
    return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  });
}

/** The package name a bare specifier names (`@scope/name/sub` → `@scope/name`), or null for a relative one. */
function packageName(spec: string): string | null {
  if (spec.startsWith('.') || path.isAbsolute(spec)) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('the checker', () => {
  const cards = path.join(APP, 'cards');
  it('flags a relative import that climbs out of the extension root, however it is written', () => {
    const file = path.join(cards, 'wizard', 'Step.tsx');
    const text = [
      "import { a } from '../../packages/shared/card';",
      "import type { B } from '../../lib/card';",
      "export * from '../../config';",
      "import '../../side-effect';",
      "const c = await import('../../lazy');",
      "import { d } from '../InvoiceCard';",
      "import { e } from './fields';",
      "import { f } from '@hubspot-quickbooks/shared/card';",
    ].join('\n');
    expect(escapes(cards, file, text)).toEqual([
      '../../packages/shared/card',
      '../../lib/card',
      '../../config',
      '../../side-effect',
      '../../lazy',
    ]);
  });

  it('lets a file import anything under its own root', () => {
    expect(escapes(cards, path.join(cards, 'InvoiceCard.tsx'), "import { x } from './wizard/fields';")).toEqual([]);
    expect(escapes(cards, path.join(cards, 'InvoiceCard.tsx'), "import { x } from '../cards/x';")).toEqual([]);
    expect(escapes(cards, path.join(cards, 'InvoiceCard.tsx'), "import { x } from '../cardsx/x';")).toEqual(['../cardsx/x']);
  });
});

describe('extension points and shared packages', () => {
  it('finds the card, the settings page and the shared package', () => {
    expect(extensionRoots().map((root) => path.basename(root)).sort()).toEqual(
      expect.arrayContaining(['cards', 'settings', 'workflow-actions']),
    );
    expect(packageRoots().map((root) => path.basename(root))).toContain('shared');
  });

  it('no file under an extension point or a shared package imports a relative path outside its root', () => {
    const found: string[] = [];
    for (const root of [...extensionRoots(), ...packageRoots()]) {
      for (const file of sourceFiles(root)) {
        for (const spec of escapes(root, file, readFileSync(file, 'utf8'))) {
          found.push(`${path.relative(PROJECT, file)} imports '${spec}' (outside ${path.relative(PROJECT, root)})`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('keeps no code directly in src/app, where no extension point could import it', () => {
    const loose = readdirSync(APP).filter((name) => SOURCE.test(name) && statSync(path.join(APP, name)).isFile());
    expect(loose).toEqual([]);
  });

  it('every shared package an extension imports is one of its dependencies', () => {
    const shared = new Map(
      packageRoots().map((root) => [readJson(path.join(root, 'package.json')).name as string, root] as const),
    );
    const missing: string[] = [];
    for (const root of [...extensionRoots(), ...packageRoots()]) {
      const files = sourceFiles(root);
      if (files.length === 0) continue;
      const manifest = readJson(path.join(root, 'package.json'));
      const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
      for (const file of files) {
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          const name = packageName(spec);
          if (name && shared.has(name) && shared.get(name) !== root && !(name in declared)) {
            missing.push(`${path.relative(PROJECT, file)} imports ${name}, which ${path.relative(PROJECT, root)}/package.json does not declare`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('npm workspaces', () => {
  const appRoot = readJson(path.join(APP, 'package.json'));
  const projectRoot = readJson(path.join(PROJECT, 'package.json'));

  it('src/app/package.json is the workspace root HubSpot builds from: the shared packages and each extension point with code', () => {
    const withCode = extensionRoots()
      .filter((root) => sourceFiles(root).length > 0)
      .map((root) => path.basename(root));
    expect(appRoot.workspaces).toEqual(expect.arrayContaining(['packages/*', ...withCode]));
    for (const workspace of appRoot.workspaces ?? []) {
      if (workspace.includes('*')) continue;
      expect(existsSync(path.join(APP, workspace, 'package.json')), workspace).toBe(true);
    }
  });

  it('infra/hubspot/package.json (tests, typecheck) lists the same workspaces, so one install serves both', () => {
    expect(projectRoot.workspaces).toEqual((appRoot.workspaces ?? []).map((workspace) => `src/app/${workspace}`));
  });

  it('each extension point with code depends on the shared packages through the workspace, not the registry', () => {
    for (const root of packageRoots()) {
      const name = readJson(path.join(root, 'package.json')).name as string;
      expect(name.startsWith('@'), `${name} is scoped`).toBe(true);
      for (const ext of extensionRoots().filter((dir) => sourceFiles(dir).length > 0)) {
        const range = readJson(path.join(ext, 'package.json')).dependencies?.[name];
        if (range !== undefined) expect(range, `${path.basename(ext)} → ${name}`).toBe('*');
      }
    }
  });
});
