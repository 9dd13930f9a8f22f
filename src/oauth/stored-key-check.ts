import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigError } from '../config/config.error';
import { TokenCipher } from './token-cipher';
import { KeyIdCount, TokenReadabilityRepository } from './token-readability.repository';

/** At least this share of the stored rows under keys this process lacks: the keys are wrong, not the rows. */
const WRONG_KEY_SHARE = 0.5;
const UNDEFINED_TABLE = '42P01';

/**
 * Compares, before anything is checked or alerted, the key ids the stored tokens were written
 * under with the keys configured. When most rows are under keys this process does not hold, a
 * wrong TOKEN_ENCRYPTION_KEY is far likelier than that many broken tokens: the start stops with
 * one line, instead of marking every token unreadable and alerting each customer. A few such rows
 * (a key removed too early) are reported in one line and checked one by one as before.
 */
@Injectable()
export class StoredKeyCheck implements OnModuleInit {
  private readonly logger = new Logger(StoredKeyCheck.name);

  constructor(
    private readonly readability: TokenReadabilityRepository,
    private readonly cipher: TokenCipher,
  ) {}

  async onModuleInit(): Promise<void> {
    const counts = await this.readability.countRowsByKeyId().catch((error: unknown) => {
      // A host app that has not run the migrations yet has nothing stored to compare.
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
      throw error;
    });
    const verdict = judgeKeys(counts, this.cipher.keyIds);
    if (verdict.kind === 'wrong-key') throw new ConfigError(`Invalid configuration: ${verdict.line}`);
    if (verdict.kind === 'some-unknown') this.logger.warn(verdict.line);
  }
}

export type KeyVerdict = { kind: 'fine' } | { kind: 'some-unknown' | 'wrong-key'; line: string };

/** The rule of the start check, apart from the database. `configured`: current key id first. */
export function judgeKeys(counts: KeyIdCount[], configured: string[]): KeyVerdict {
  const stored = counts.reduce((sum, count) => sum + count.rows, 0);
  const unknown = counts.filter((count) => !configured.includes(count.keyId));
  const unreadable = unknown.reduce((sum, count) => sum + count.rows, 0);
  if (unreadable === 0) return { kind: 'fine' };
  const rowsUse = counts.map((count) => `${count.keyId} (${count.rows})`).join(', ');
  const [current, ...previous] = configured;
  const keys = `this process has ${current} (TOKEN_ENCRYPTION_KEY)${previous.length ? ` and ${previous.join(', ')} (TOKEN_ENCRYPTION_PREVIOUS_KEYS)` : ''}`;
  const facts = `${unreadable} of ${stored} stored tokens were written under key ids this process does not hold: the rows use ${rowsUse}; ${keys}`;
  if (unreadable / stored >= WRONG_KEY_SHARE) {
    return {
      kind: 'wrong-key',
      line: `TOKEN_ENCRYPTION_KEY does not match the stored tokens: ${facts}. Start with the key they were written under (or add it to TOKEN_ENCRYPTION_PREVIOUS_KEYS); a key id is the first 8 hex characters of the key's SHA-256`,
    };
  }
  return { kind: 'some-unknown', line: `${facts}; those tokens will be reported unreadable one by one` };
}
