// Runs a measurement in its own Node process, so its timing and peak RSS are not mixed
// with the bench's own work (seeding, fake provider). The child answers with one IPC message.
import { ChildProcess, fork } from 'node:child_process';
import { onCleanup } from './cleanup';

interface ChildError {
  error: string;
}

const isChildError = (message: unknown): message is ChildError =>
  typeof message === 'object' && message !== null && typeof (message as Partial<ChildError>).error === 'string';

/** Forks `script` (a compiled bench file) and resolves with the result it sends. */
export function runChild<T>(script: string, { env, args = [] }: { env: Record<string, string>; args?: string[] }): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const forget = onCleanup(() => stopProcess(child));
    let result: unknown;
    child.on('message', (message) => (result = message));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      forget();
      if (isChildError(result)) reject(new Error(`${script}: ${result.error}`));
      else if (result) resolve(result as T);
      else reject(new Error(`${script} exited (${signal ?? code}) without a result`));
    });
  });
}

/** Ends one process we started: SIGTERM, then SIGKILL if it does not go. */
export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The child side: run `measure`, send its result (or its error) to the parent, exit. */
export function childMain(measure: () => Promise<object>): void {
  // Exit right after the answer: idle keep-alive sockets must not hold the child open.
  const answer = (message: object) => process.send!(message, () => process.exit(0));
  measure().then(answer, (error: unknown) => answer({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
}
