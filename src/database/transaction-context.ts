import { AsyncLocalStorage } from 'node:async_hooks';
import { EntityManager } from 'typeorm';

const storage = new AsyncLocalStorage<EntityManager>();

/**
 * The transaction the current call chain runs in, if any. Lets a component that
 * sits behind a port (the default alerting service) join its caller's
 * transaction without the port having to speak TypeORM.
 */
export const TransactionContext = {
  run<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
    return storage.run(manager, work);
  },
  current(): EntityManager | undefined {
    return storage.getStore();
  },
};
