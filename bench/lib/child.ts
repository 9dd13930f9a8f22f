'use strict';
// Runs a measurement in its own Node process, so its timing and peak RSS are not mixed
// with the bench's own work (seeding, fake provider). The child answers with one IPC message.
const { fork } = require('node:child_process');
const { onCleanup } = require('./cleanup');

function runChild(script, { env, args = [] }) {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const forget = onCleanup(() => stopProcess(child));
    let result;
    child.on('message', (message) => (result = message));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      forget();
      if (result?.error) reject(new Error(`${script}: ${result.error}`));
      else if (result) resolve(result);
      else reject(new Error(`${script} exited (${signal ?? code}) without a result`));
    });
  });
}

/** Ends one process we started: SIGTERM, then SIGKILL if it does not go. */
function stopProcess(child, graceMs = 10_000) {
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
function childMain(measure) {
  // Exit right after the answer: idle keep-alive sockets must not hold the child open.
  const answer = (message) => process.send(message, () => process.exit(0));
  measure().then(answer, (error) => answer({ error: error.stack ?? String(error) }));
}

module.exports = { runChild, stopProcess, childMain };
