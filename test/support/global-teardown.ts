import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const database = globalThis.__TEST_DATABASE__;
  if (!database) return;
  await database.stop();
  rmSync(dirname(database.clusterDir), { recursive: true, force: true });
}
