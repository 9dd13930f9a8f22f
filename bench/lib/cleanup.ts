// Every bench registers what it started (database, fake, child processes) here, so a
// normal end, an error and Ctrl-C all leave nothing running behind.

type Task = () => unknown;

const tasks: Task[] = [];
let running: Promise<void> | undefined;

export function onCleanup(task: Task): () => void {
  tasks.push(task);
  return () => {
    const index = tasks.indexOf(task);
    if (index >= 0) tasks.splice(index, 1);
  };
}

/** Runs the tasks newest first (children before the database they use). */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    for (let task = tasks.pop(); task; task = tasks.pop()) {
      try {
        await task();
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return running;
}

/** Entry point of a bench script: run `main`, always clean up, exit non-zero on failure. */
export function runMain(main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping what the bench started…`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  main()
    .then(() => cleanupAll())
    .then(() => process.exit(0))
    .catch(async (error: unknown) => {
      console.error(error);
      await cleanupAll();
      process.exit(1);
    });
}
