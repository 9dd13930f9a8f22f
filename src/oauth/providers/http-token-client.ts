import { IncomingHttpHeaders } from 'node:http';
import { Agent, Dispatcher, request } from 'undici';
import { SecretRedactor } from '../../common/secret-redactor';
import { cleanFreeText } from '../../common/unsafe-text';
import { OAuthProviderError, OAuthProviderErrorCode } from '../oauth-provider.error';

/** Turns one parsed answer of a token endpoint into a result, or into the adapter's classified failure. */
export type TokenAnswerClassifier<T> = (httpStatus: number, body: unknown) => T | OAuthProviderError;

export interface HttpTokenClientOptions {
  timeoutMs: number;
  /** Total attempts, the first one included. */
  maxAttempts: number;
  baseBackoffMs?: number;
  maxBodyBytes?: number;
  /** Kept-alive connections per provider origin; sized from the refresh concurrency. Default 10. */
  connections?: number;
  /** Injectable so tests do not wait through backoff and Retry-After delays. */
  sleep?: (ms: number) => Promise<void>;
}

/** Request headers (client_secret_basic) and values that must never appear in a message. */
export interface PostFormExtras {
  headers?: Record<string, string>;
  secrets?: string[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: OAuthProviderError; retryable: boolean };

const { Transient, Configuration, Throttled } = OAuthProviderErrorCode;
const MAX_BACKOFF_MS = 10_000;
const MAX_PROVIDER_TEXT = 200;
// How much of each error text field is read at all; what lies beyond never reaches a message.
const MAX_SCANNED_TEXT = 4 * MAX_PROVIDER_TEXT;
// Shorter than the keep-alive of common servers, so a pooled socket is not reused just as the server closes it.
const KEEP_ALIVE_MS = 4_000;
// Values of these fields are not secret; redacting them would garble messages such as "refresh_token is invalid".
const NON_SECRET_FIELDS = new Set(['grant_type', 'token_type_hint', 'redirect_uri', 'scope', 'response_type']);
// The answer fields messages are built from (describeProviderError, the providers' error tables).
const ERROR_TEXT_FIELDS = ['error', 'error_description', 'status', 'message'];

// What readCapped answers for a body over the cap (a value, not an exception: it is an answer, not a fault).
const BODY_TOO_LARGE = Symbol('body too large');

/**
 * The HTTP half of every token-endpoint adapter: form POST, per-attempt timeout, capped body,
 * JSON parsing and retries of infrastructure faults; a throttle (429, 503 with Retry-After) is returned
 * at once, classified. What an answer *means* is the adapter's call.
 */
export class HttpTokenClient {
  private readonly baseBackoffMs: number;
  private readonly maxBodyBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;
  // One pool of kept-alive connections per origin: a refresh reuses a socket instead of a TCP handshake each time.
  private readonly agent: Agent;

  constructor(private readonly options: HttpTokenClientOptions) {
    this.agent = new Agent({ connections: options.connections ?? 10, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS });
    this.baseBackoffMs = options.baseBackoffMs ?? 250;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async postForm<T>(url: string, form: Record<string, string>, classify: TokenAnswerClassifier<T>, extra: PostFormExtras = {}): Promise<T> {
    const target = describeEndpoint(url);
    const secrets = new SecretRedactor([...secretValues(url, form), ...(extra.secrets ?? [])]);
    const body = new URLSearchParams(form).toString();
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(url, body, target, classify, extra.headers ?? {}, secrets);
      if (outcome.ok) return outcome.value;
      if (!outcome.retryable || attempt >= this.options.maxAttempts) throw finalError(outcome.error, attempt, secrets);
      await this.sleep(backoffBefore(attempt, this.baseBackoffMs));
    }
  }

  /** Closes the kept-alive connections once requests in flight are answered (Nest calls this last at shutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  private async attempt<T>(
    url: string,
    body: string,
    target: string,
    classify: TokenAnswerClassifier<T>,
    headers: Record<string, string>,
    secrets: SecretRedactor,
  ): Promise<Outcome<T>> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      // undici's request follows no redirect: following one could replay our client secret to another host.
      response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
        body,
        dispatcher: this.agent,
        signal,
      });
    } catch (error) {
      return this.networkFailure(error, target, signal);
    }
    const status = response.statusCode;
    const where = `${target} answered HTTP ${status}`;
    const infrastructureFault = status === 429 || status >= 500;
    let text: string | typeof BODY_TOO_LARGE;
    try {
      text = await readCapped(response, this.maxBodyBytes);
    } catch (error) {
      return this.networkFailure(error, target, signal);
    }
    if (text === BODY_TOO_LARGE) {
      return failure(Transient, `${where}: malformed response (body over ${this.maxBodyBytes} bytes)`, infrastructureFault);
    }
    // Cleaned and redacted before anything is described or classified; what is cut here leaves under 12 characters of a secret.
    const json = cleanErrorText(parseJson(text), secrets);
    const retryAfter = retryAfterSeconds(status, response.headers);
    // A throttle is not retried here: the caller's pacing waits it out for every request to this provider.
    if (status === 429 || (status === 503 && retryAfter !== undefined)) {
      const detail = json === MALFORMED ? '' : `: ${describeProviderError(json)}`;
      return failure(Throttled, `${where}${detail}`, false, retryAfter);
    }
    if (infrastructureFault) {
      const detail = json === MALFORMED ? '' : `: ${describeProviderError(json)}`;
      return failure(Transient, `${where}${detail}`, true);
    }
    if (status >= 300 && status < 400) {
      return failure(Configuration, `${where}: unexpected redirect; check the accounts server URL`, false);
    }
    if (json === MALFORMED) return failure(Transient, `${where}: malformed response (not JSON)`, false);
    const result = classify(status, json);
    if (result instanceof OAuthProviderError) {
      return failure(result.code, `${where}: ${result.message}`, false, result.retryAfterSeconds);
    }
    return { ok: true, value: result };
  }

  private networkFailure(error: unknown, target: string, signal: AbortSignal): Outcome<never> {
    const name = (error as { name?: unknown } | undefined)?.name;
    if (signal.aborted || name === 'TimeoutError' || name === 'AbortError') {
      return failure(Transient, `${target}: no answer within ${this.options.timeoutMs} ms`, true);
    }
    return failure(Transient, `${target}: network error (${networkErrorCode(error)})`, true);
  }
}

// Equal jitter: half the exponential step is fixed, half random, so parallel refreshes spread out.
function backoffBefore(attempt: number, baseBackoffMs: number): number {
  const step = Math.min(MAX_BACKOFF_MS, baseBackoffMs * 2 ** (attempt - 1));
  return step / 2 + Math.random() * (step / 2);
}

/** `error: error_description` of an OAuth error answer, cut short and flattened so it is safe to log. */
export function describeProviderError(body: unknown): string {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  // RFC 6749 names them error / error_description; some providers (HubSpot) status / message.
  const code = firstText(record.error, record.status);
  const description = firstText(record.error_description, record.message);
  const parts = [code, description].filter((part): part is string => part !== undefined);
  if (parts.length === 0) return 'no error code in the answer';
  return parts.map((part) => clip(part.replace(/\s+/g, ' '))).join(': ');
}

function firstText(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value !== '');
}

// Control and invisible characters go before redaction, so none can split an echoed secret.
function cleanErrorText(body: unknown, secrets: SecretRedactor): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of ERROR_TEXT_FIELDS) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = secrets.redact(cleanFreeText(value.slice(0, MAX_SCANNED_TEXT)));
  }
  return copy;
}

function clip(text: string): string {
  return text.length > MAX_PROVIDER_TEXT ? `${text.slice(0, MAX_PROVIDER_TEXT)}…` : text;
}

function failure(code: OAuthProviderErrorCode, message: string, retryable: boolean, retryAfter?: number): Outcome<never> {
  return { ok: false, error: new OAuthProviderError(code, message, retryAfter), retryable };
}

// Origin and path only: a query string may carry a token (Zoho's revoke endpoint does).
function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `POST ${parsed.origin}${parsed.pathname}`;
  } catch {
    throw new OAuthProviderError(Configuration, 'The OAuth endpoint URL is invalid; check the accounts server setting');
  }
}

function secretValues(url: string, form: Record<string, string>): string[] {
  const fields = [...Object.entries(form), ...new URL(url).searchParams.entries()];
  return fields.filter(([key, value]) => !NON_SECRET_FIELDS.has(key) && value.length >= 4).map(([, value]) => value);
}

// Belt and braces: a provider may echo what we sent inside error_description.
function finalError(error: OAuthProviderError, attempts: number, secrets: SecretRedactor): OAuthProviderError {
  const message = attempts > 1 ? `${error.message} (gave up after ${attempts} attempts)` : error.message;
  return new OAuthProviderError(error.code, secrets.redact(cleanFreeText(message)), error.retryAfterSeconds);
}

// Reads at most `maxBytes` and then hangs up, so a runaway answer costs neither memory nor time.
async function readCapped(response: Dispatcher.ResponseData, maxBytes: number): Promise<string | typeof BODY_TOO_LARGE> {
  const { body } = response;
  if (Number(header(response.headers, 'content-length')) > maxBytes) {
    body.destroy();
    return BODY_TOO_LARGE;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      return BODY_TOO_LARGE;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const MALFORMED = Symbol('malformed');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED;
  }
}

function retryAfterSeconds(status: number, headers: IncomingHttpHeaders): number | undefined {
  const raw = header(headers, 'retry-after')?.trim();
  if ((status !== 429 && status !== 503) || !raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

// Only the machine code (ECONNRESET, UND_ERR_SOCKET…): free-form messages are not ours to vouch for.
// Duck-typed because fetch's errors may come from another realm, where `instanceof Error` fails.
function networkErrorCode(error: unknown): string {
  const failure = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  const code = failure?.cause?.code ?? failure?.code ?? failure?.name;
  return typeof code === 'string' ? code : 'unknown';
}
