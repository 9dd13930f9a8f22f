/*
 * SecretScan: one leak check for every e2e and fault spec. It knows every secret the
 * spec created and reads everything the system under test said, then fails on any
 * 12-character fragment of any secret in any of it.
 *
 *   import { useSecretScan } from './support/secret-scan';
 *   const scan = useSecretScan();              // top of the file, outside describe()
 *   ...
 *   scan.secret(myOwnToken, 'imported token'); // only for secrets the helpers can't see
 *   scan.shownOnce(apiKey, 'API key');         // a secret the system shows exactly once
 *
 * Known automatically:
 *   secrets   — testEnv() values of secret variables (admin token, encryption keys, client
 *               secrets, Twilio auth token, metrics token, webhook secret), tokens seeded by
 *               seedToken(), every token the fake provider hands out, every API key in an
 *               answer or page (shown once: that text may hold it, no other) and, through the
 *               helpers of ./api-keys, its stored hash.
 *   captured  — this jest worker's stdout/stderr and console; every in-process app's logger at
 *               every level (seeders included) and every HTTP response body it sends; every
 *               ServerProcess / DatabaseProcess output and every response the test fetches
 *               from a ServerProcess; every body the Slack, Twilio, webhook and SMTP sinks got.
 *   by hand   — other child processes (`captureProcess`), other texts such as browser pages
 *               (`capture`), other servers' origins (`captureResponsesFrom`).
 *
 * Each jest test file gets its own module registry, so `secretScan` is per spec file.
 */
import { ChildProcess } from 'node:child_process';

const FRAGMENT = 12;
// Shorter values are matched whole; below this they are too common to mean anything.
const MIN_SECRET = 8;
// Names of variables whose values are secrets.
// The shape of an API key (src/auth/api-key-secret.ts), whole.
const API_KEY = /(?<![A-Za-z0-9_-])thk_[0-9a-f]{10}_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const SECRET_VARIABLE =
  /(^ADMIN_API_TOKEN|^METRICS_TOKEN|_CLIENT_SECRET|_AUTH_TOKEN|_WEBHOOK_SECRET|^TOKEN_ENCRYPTION_KEY|^TOKEN_ENCRYPTION_PREVIOUS_KEYS)$/;

export interface Leak {
  secret: string;
  source: string;
  /** Where in the source, with the secret fragment masked. */
  context: string;
}

export class SecretScan {
  private readonly secrets = new Map<string, string>();
  /** Secrets the system shows once (an API key in the answer that created it): one source may hold them, no second. */
  private readonly once = new Set<string>();
  private readonly texts: { source: string; read: () => string }[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly responseOrigins = new Set<string>();
  private restore: (() => void)[] = [];

  /** Registers a secret value (ignored when too short to mean anything); returns it. */
  secret<T extends string | null | undefined>(value: T, label = 'secret'): T {
    if (typeof value === 'string' && value.length >= MIN_SECRET && !this.secrets.has(value)) this.secrets.set(value, label);
    return value;
  }

  /** Registers a secret that may appear in exactly one captured text (the answer or page that handed it out), nowhere else. */
  shownOnce<T extends string>(value: T, label = 'secret shown once'): T {
    this.secret(value, label);
    if (this.secrets.has(value)) this.once.add(value);
    return value;
  }

  /** Registers the values of every secret variable in an environment. */
  secretsOfEnv(env: Record<string, string | undefined>): void {
    for (const [name, value] of Object.entries(env)) {
      if (!value || !SECRET_VARIABLE.test(name)) continue;
      for (const part of name.endsWith('_KEYS') ? value.split(',') : [value]) {
        this.secret(part.trim(), name);
        if (name.includes('ENCRYPTION')) this.secretKeyEncodings(part.trim(), name);
      }
    }
  }

  /** Adds a fixed text (a page, a CLI's output); an API key in it counts as shown there, so no other text may hold it. */
  capture(source: string, text: string): void {
    for (const [key] of text.matchAll(API_KEY)) this.shownOnce(key, 'API key');
    this.texts.push({ source, read: () => text });
  }

  /** Adds a text read when the scan runs (a growing log, a sink's requests). */
  watch(source: string, read: () => string): void {
    this.texts.push({ source, read });
  }

  /** Records everything a child process writes to stdout and stderr. */
  captureProcess(child: ChildProcess, source: string): void {
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    this.watch(source, () => output);
  }

  /** Records the body of every fetch() response from this origin (a child server). */
  captureResponsesFrom(url: string): void {
    this.responseOrigins.add(new URL(url).origin);
  }

  /** Records a response body once it has been read; for responses the fetch hook can't see. */
  captureLater(source: string, body: Promise<string>): void {
    const settled = body.then(
      (text) => this.capture(source, text),
      () => undefined,
    );
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  /** Starts recording this worker's output and fetch() responses; undone by `stop()`. */
  start(): void {
    if (this.restore.length > 0) return;
    let output = '';
    this.watch('test process stdout/stderr/console', () => output);
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write;
      stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        output += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
        return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      };
      this.restore.push(() => (stream.write = write));
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        output += args.map(describe).join(' ') + '\n';
        original.apply(console, args);
      };
      this.restore.push(() => (console[method] = original));
    }
    const originalFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await originalFetch(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (this.responseOrigins.has(new URL(url).origin)) this.captureLater(`response of ${url}`, response.clone().text());
      return response;
    };
    this.restore.push(() => (globalThis.fetch = originalFetch));
  }

  stop(): void {
    this.restore.reverse().forEach((undo) => undo());
    this.restore = [];
  }

  /** Every place a fragment of a registered secret shows up. */
  async leaks(): Promise<Leak[]> {
    await Promise.all([...this.pending]);
    const fragments = new Map<string, string>();
    for (const secret of this.secrets.keys()) {
      const size = Math.min(FRAGMENT, secret.length);
      for (let i = 0; i + size <= secret.length; i++) fragments.set(secret.slice(i, i + size), secret);
    }
    const sizes = [...new Set([...fragments.keys()].map((fragment) => fragment.length))];
    const found: (Leak & { value: string })[] = [];
    for (const { source, read } of this.texts) {
      const text = read();
      const reported = new Set<string>();
      for (const size of sizes) {
        for (let i = 0; i + size <= text.length; i++) {
          const secret = fragments.get(text.slice(i, i + size));
          if (!secret || reported.has(secret)) continue;
          reported.add(secret);
          const context = text.slice(Math.max(0, i - 60), i) + `[${this.secrets.get(secret)}]` + text.slice(i + size, i + size + 60);
          found.push({ secret: this.secrets.get(secret)!, source, context, value: secret });
        }
      }
    }
    return found.filter((leak) => !this.once.has(leak.value) || found.filter((other) => other.value === leak.value).length > 1).map(withoutValue);
  }

  /** Fails with every leak, the secret itself masked in the report. */
  async expectNoLeaks(): Promise<void> {
    const found = await this.leaks();
    if (found.length === 0) return;
    const report = found.slice(0, 20).map((leak) => `- ${leak.secret} in ${leak.source}: …${leak.context.replace(/\s+/g, ' ')}…`);
    throw new Error(`${found.length} secret fragment(s) leaked:\n${report.join('\n')}`);
  }

  /** How many secrets and sources are known; lets a spec check the scan saw something. */
  get size(): { secrets: number; sources: number } {
    return { secrets: this.secrets.size, sources: this.texts.length };
  }

  private secretKeyEncodings(value: string, name: string): void {
    const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (bytes.length !== 32) return;
    for (const encoding of ['hex', 'base64', 'base64url'] as const) this.secret(bytes.toString(encoding), name);
  }
}

function withoutValue({ secret, source, context }: Leak & { value: string }): Leak {
  return { secret, source, context };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The scan of the current spec file; support helpers report to it. */
export const secretScan = new SecretScan();

interface JestHooks {
  beforeAll(hook: () => void): void;
  afterAll(hook: () => Promise<void>): void;
}

/**
 * Adopts the scan in a spec file: records from before the first `beforeAll` to after the
 * last `afterAll` and fails the file on any leak. Call it at the top level of the file.
 * The hooks are the spec's globals, looked up when called: the benches load the helpers that
 * report to `secretScan` in plain Node, where this module must load without jest.
 */
export function useSecretScan(): SecretScan {
  const { beforeAll, afterAll } = globalThis as unknown as JestHooks;
  beforeAll(() => secretScan.start());
  afterAll(async () => {
    secretScan.stop();
    await secretScan.expectNoLeaks();
  });
  return secretScan;
}
