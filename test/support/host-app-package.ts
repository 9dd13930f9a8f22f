// Packs this repo as a host would receive it (npm pack) and installs the tarball into
// examples/host-app by extracting it to node_modules/token-health — what `npm install
// <tgz>` does for the package itself, without the network. Its peers and its own
// dependencies resolve from this repo's node_modules, one folder up the tree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The host app takes its port from PORT, like most apps.
export { freePort } from './free-port';

export const REPO = join(__dirname, '..', '..');
export const HOST_APP = join(REPO, 'examples', 'host-app');

export interface PackedTarball {
  path: string;
  files: string[];
}

export function packRepository(): PackedTarball {
  const destination = mkdtempSync(join(tmpdir(), 'token-health-pack-'));
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // prepack's build output precedes the JSON report on stdout.
  const [report] = JSON.parse(output.slice(output.indexOf('[\n'))) as { filename: string; files: { path: string }[] }[];
  return { path: join(destination, report.filename), files: report.files.map((file) => file.path) };
}

export function installIntoHostApp(tarball: PackedTarball): void {
  const target = join(HOST_APP, 'node_modules', 'token-health');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball.path, '-C', target, '--strip-components=1']);
}

/** Type-checks the host app against the installed package's declarations and compiles it. */
export function buildHostApp(): void {
  rmSync(join(HOST_APP, 'dist'), { recursive: true, force: true });
  execFileSync(join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', join(HOST_APP, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
}
