'use strict';
// Every bench registers what it started (database, fake, child processes) here, so a
// normal end, an error and Ctrl-C all leave nothing running behind.

const tasks = [];
let running;

function onCleanup(task) {
  tasks.push(task);
  return () => {
    const index = tasks.indexOf(task);
    if (index >= 0) tasks.splice(index, 1);
  };
}

/** Runs the tasks newest first (children before the database they use). */
function cleanupAll() {
  running ??= (async () => {
    while (tasks.length > 0) {
      const task = tasks.pop();
      try {
        await task();
      } catch (error) {
        console.error(`cleanup: ${error.message}`);
      }
    }
  })();
  return running;
}

/** Entry point of a bench script: run `main`, always clean up, exit non-zero on failure. */
function runMain(main) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping what the bench started…`);
      cleanupAll().finally(() => process.exit(130));
    });
  }
  main()
    .then(() => cleanupAll())
    .then(() => process.exit(0))
    .catch(async (error) => {
      console.error(error);
      await cleanupAll();
      process.exit(1);
    });
}

module.exports = { onCleanup, cleanupAll, runMain };
