// The one install line of docs/embedding.md for a host app: every package the example host app imports or
// has loaded by name, and every peer of token-health, at versions this repo's own ranges accept.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_APP, REPO } from './support/host-app-package';
import { useSecretScan } from './support/secret-scan';

useSecretScan();

// semver comes with the test tooling (no types of its own); only this one function is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { intersects } = require('semver') as { intersects(a: string, b: string): boolean };

interface Manifest {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

// Loaded by name rather than imported: Nest's HTTP adapter, Apollo on Express 5, TypeORM's postgres driver.
const LOADED_BY_NAME = ['@nestjs/platform-express', '@as-integrations/express5', 'pg'];

const ours = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;

/** `name@version` words of the first `npm install` line in docs/embedding.md. */
function readmeInstallLine(): Map<string, string | undefined> {
  const readme = readFileSync(join(REPO, 'docs', 'embedding.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it in your app'));
  const line = section.split('\n').find((text) => text.startsWith('npm install '));
  const words = line!.split('#')[0].trim().split(/\s+/).slice(2);
  return new Map(
    words.map((word): [string, string | undefined] => {
      const at = word.lastIndexOf('@');
      return at > 0 ? [word.slice(0, at), word.slice(at + 1)] : [word, undefined];
    }),
  );
}

function importedByExample(): string[] {
  const names = new Set<string>();
  const sources = readdirSync(join(HOST_APP, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  for (const file of sources) {
    for (const [, specifier] of readFileSync(join(HOST_APP, 'src', file), 'utf8').matchAll(/(?:from|import) '([^.'][^']*)'/g)) {
      if (!specifier.startsWith('node:'))
        names.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  }
  return [...names];
}

describe('the install line of docs/embedding.md for a host app', () => {
  const installed = readmeInstallLine();

  it('names every package the example host app imports or has loaded, and every peer of token-health', () => {
    const needed = [...new Set([...importedByExample(), ...LOADED_BY_NAME, ...Object.keys(ours.peerDependencies)])].sort();

    expect(needed).toContain('@nestjs/config');
    expect(needed.filter((name) => !installed.has(name))).toEqual([]);
  });

  it("asks for versions the repo's own ranges accept", () => {
    const outside = [...installed]
      .filter(([name, version]) => name !== 'token-health' && version !== undefined)
      .filter(([name, version]) => !intersects(version!, ours.peerDependencies[name] ?? ours.devDependencies[name]))
      .map(([name, version]) => `${name}@${version}`);

    expect(outside).toEqual([]);
  });
});
