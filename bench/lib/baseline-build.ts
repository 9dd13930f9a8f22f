// Another commit of this repo built beside the working tree (git archive + tsc, node_modules
// shared), so a bench can run today's behaviour and ours in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/support/repo-root';
import { onCleanup } from './cleanup';

/** Builds `ref` into a temporary directory; returns the path of its dist/src/main.js. */
export function buildBaseline(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'token-health-baseline-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('sh', ['-c', `git -C "${REPO_ROOT}" archive "${ref}" | tar -x -C "${dir}"`], { stdio: 'inherit' });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: dir,
    stdio: 'inherit',
  });
  const main = join(dir, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`building ${ref} produced no ${main}`);
  return main;
}
