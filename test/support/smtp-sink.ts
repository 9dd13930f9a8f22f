/*
 * SmtpSink: a real SMTP server on 127.0.0.1 (smtp-server) that accepts any login and
 * records every message, or rejects the next ones with a chosen reply code. No TLS:
 * STARTTLS is disabled so clients stay on plain text.
 *
 *   const smtp = await SmtpSink.start();        // config: { url: smtp.url, ... }
 *   smtp.failNext(1, 451);                      // next message: "451 try again later"
 *   const [mail] = await smtp.waitFor(1);       // mail.subject, mail.to, mail.html
 *   await smtp.close();
 */
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { secretScan } from './secret-scan';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent over DATA: headers and MIME body, still encoded. */
  raw: string;
  subject: string;
  /** Decoded `text/plain` part with `\n` line endings, when there is one. */
  text?: string;
  /** Decoded `text/html` part with `\n` line endings, when there is one. */
  html?: string;
  /** Login the client authenticated with, if it did. */
  username?: string;
}

type SmtpReplyError = Error & { responseCode: number };

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private readonly failures: number[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly server: SMTPServer;
  /** Every message ever received (raw and decoded), also those forgotten by reset(). */
  private readonly received: string[] = [];

  private constructor() {
    // Raw and decoded: quoted-printable soft line breaks could split a secret in the raw form.
    secretScan.watch('SMTP sink messages', () => this.received.join('\n'));
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A reverse DNS lookup of 127.0.0.1 tells nothing and would make tests depend on the resolver.
      disableReverseLookup: true,
      // A client still connected (pooled transport) must not hold close() for the default 30 s.
      closeTimeout: 100,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      onData: (stream, session, callback) => void this.receive(stream, session, callback).catch(callback),
    });
  }

  static async start(port = 0): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve) => sink.server.listen(port, '127.0.0.1', resolve));
    return sink;
  }

  /** `smtp://127.0.0.1:PORT`, without credentials (any are accepted if given). */
  get url(): string {
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  /** Rejects the next `count` messages with `code` (4xx: try later, 5xx: give up). */
  failNext(count: number, code: number): void {
    for (let i = 0; i < count; i++) this.failures.push(code);
  }

  /** Resolves with the received messages once there are at least `count`. */
  waitFor(count: number, timeoutMs = 5000): Promise<ReceivedMail[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.messages.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.messages);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`SmtpSink: expected ${count} messages within ${timeoutMs} ms, got ${this.messages.length}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Forgets received messages and queued failures. */
  reset(): void {
    this.messages.length = 0;
    this.failures.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void): Promise<void> {
    const raw = await readAll(stream);
    const failure = this.failures.shift();
    if (failure !== undefined) {
      const error = new Error(failure >= 500 ? 'Rejected by SmtpSink' : 'Try again later (SmtpSink)') as SmtpReplyError;
      error.responseCode = failure;
      return callback(error);
    }
    const mail: ReceivedMail = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((recipient) => recipient.address),
      raw,
      subject: decodeWords(headerValue(raw, 'subject') ?? ''),
      ...mimeParts(raw),
      username: typeof session.user === 'string' ? session.user : undefined,
    };
    this.received.push([raw, mail.subject, mail.text ?? '', mail.html ?? ''].join('\n'));
    this.messages.push(mail);
    this.waiters.forEach((check) => check());
    callback();
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function splitHeaders(entity: string): { headers: string; body: string } {
  const end = entity.indexOf('\r\n\r\n');
  if (end === -1) return { headers: entity, body: '' };
  return { headers: entity.slice(0, end), body: entity.slice(end + 4) };
}

// Long headers are folded onto indented continuation lines; unfold before matching.
function headerValue(entity: string, name: string): string | undefined {
  const unfolded = splitHeaders(entity).headers.replace(/\r\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match?.[1].trim();
}

// Non-ASCII subjects arrive as RFC 2047 encoded words (=?UTF-8?Q?...?= or =?UTF-8?B?...?=).
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_word, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

// Quoted-printable text is ASCII by definition, so each character is one byte unless escaped.
function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(entity: string): string {
  const encoding = (headerValue(entity, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  const { body } = splitHeaders(entity);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

// Only what nodemailer sends for text + html: one part, or one multipart level of them.
function mimeParts(raw: string): { text?: string; html?: string } {
  const contentType = headerValue(raw, 'content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  const entities = boundary
    ? splitHeaders(raw)
        .body.split(`--${boundary}`)
        .slice(1, -1)
        .map((part) => part.replace(/^\r\n/, ''))
    : [raw];
  const parts: { text?: string; html?: string } = {};
  for (const entity of entities) {
    const type = (headerValue(entity, 'content-type') ?? 'text/plain').toLowerCase();
    // CRLF is SMTP's wire format, not the sender's content.
    const decoded = decodeBody(entity).replace(/\r\n$/, '').replace(/\r\n/g, '\n');
    if (type.startsWith('text/plain')) parts.text ??= decoded;
    if (type.startsWith('text/html')) parts.html ??= decoded;
  }
  return parts;
}
