import { AppConfig } from './app-config';
import { LogSettings } from './log-settings';

/** What only this repo's standalone server needs beside the module's config: its port and database. */
export class ServerConfig extends AppConfig {
  nodeEnv!: string;
  port!: number;
  /** Unset means: start the embedded PostgreSQL (main.ts fills it in before the app is created). */
  databaseUrl?: string;
  /** Undefined: sized from the work (app.module.ts). */
  databasePoolSize?: number;
  dataDir!: string;
  /** Without DATABASE_URL: run the embedded PostgreSQL (true) or refuse to start (false). */
  embeddedDatabase!: boolean;
  log!: LogSettings;
  /** Schema introspection for authenticated callers of the server's /graphql; off unless GRAPHQL_INTROSPECTION=true. */
  graphqlIntrospection!: boolean;
}
