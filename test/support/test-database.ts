// A fresh, empty database per suite inside the run's PostgreSQL server.
import { createThrowawayDatabase, ThrowawayDatabase } from './throwaway-database';

export type TestDatabase = ThrowawayDatabase;

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_ADMIN_URL is not set: run the e2e tests through jest (globalSetup starts PostgreSQL)');
  return createThrowawayDatabase(adminUrl, 'th');
}
