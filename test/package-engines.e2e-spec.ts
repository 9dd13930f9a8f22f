// `engines` promises the Node versions the service runs on; each package it loads has its own promise.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

// semver comes with the test tooling (no types of its own); only this one function is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { satisfies } = require('semver') as { satisfies(version: string, range: string): boolean };

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
}

interface Manifest {
  engines?: { node?: string };
  allowScripts?: Record<string, boolean>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const ROOT = join(__dirname, '..');
const manifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const ours = manifest(join(ROOT, 'package.json'));
const lockfile = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };

/** Every package `npm ci` installs, development tooling included, with the Node range it declares. */
function lockedEngines(): [string, string][] {
  return Object.entries(lockfile.packages)
    .filter(([path]) => path !== '')
    .map(([path, locked]): [string, string | undefined] => [`${path.replace(/^.*node_modules\//, '')}@${locked.version}`, nodeRange(locked)])
    .filter((entry): entry is [string, string] => entry[1] !== undefined);
}

// Old manifests list engines as an array of strings ("node >= 0.8"); npm reads only the object form.
const nodeRange = (locked: LockedPackage): string | undefined => (Array.isArray(locked.engines) ? undefined : locked.engines?.node);

/** Every package the code under src/ imports, plus the declared dependencies and peers. */
function runtimePackages(): string[] {
  const names = new Set([...Object.keys(ours.dependencies ?? {}), ...Object.keys(ours.peerDependencies ?? {})]);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        for (const [, specifier] of readFileSync(path, 'utf8').matchAll(/from '([^.'][^']*)'/g)) {
          if (specifier.startsWith('node:')) continue;
          names.add(
            specifier
              .split('/')
              .slice(0, specifier.startsWith('@') ? 2 : 1)
              .join('/'),
          );
        }
      }
    }
  };
  walk(join(ROOT, 'src'));
  return [...names].filter((name) => existsSync(join(ROOT, 'node_modules', name, 'package.json'))).sort();
}

/** Releases around every boundary a dependency or require(esm) draws (unflagged from 20.19 and 22.12). */
const NODE_VERSIONS = [
  '18.20.0',
  '20.0.0',
  '20.18.1',
  '20.19.0',
  '20.20.0',
  '21.7.0',
  '22.0.0',
  '22.12.0',
  '22.13.0',
  '23.11.0',
  '24.0.0',
  '24.10.0',
  '24.11.0',
  '25.0.0',
];

describe('package.json engines', () => {
  it('accepts the Node this suite runs on', () => {
    expect(satisfies(process.versions.node, ours.engines!.node!)).toBe(true);
  });

  it.each(runtimePackages())('promises no Node version that %s does not support (engines)', (name) => {
    const range = manifest(join(ROOT, 'node_modules', name, 'package.json')).engines?.node;
    const unsupported = NODE_VERSIONS.filter((version) => satisfies(version, ours.engines!.node!) && range && !satisfies(version, range));

    expect(unsupported).toEqual([]);
  });

  it('installs nothing whose engines exclude a Node version ours promises (no EBADENGINE on npm install)', () => {
    const promised = NODE_VERSIONS.filter((version) => satisfies(version, ours.engines!.node!));
    const excluding = lockedEngines()
      .filter(([, range]) => promised.some((version) => !satisfies(version, range)))
      .map(([name, range]) => `${name} wants node ${range}`);

    expect(excluding).toEqual([]);
  });
});

describe('package.json allowScripts', () => {
  it('decides for every installed package with an install script whether it runs (no install-scripts warning)', () => {
    const withScripts = Object.entries(lockfile.packages)
      .filter(([, locked]) => locked.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));

    expect(withScripts.filter((name) => !(name in (ours.allowScripts ?? {})))).toEqual([]);
  });
});
