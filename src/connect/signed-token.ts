import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ConnectFlowError, ConnectFlowErrorCode, SignedTokenFailure } from './connect-flow.error';

export type SignedPurpose = 'connect-link' | 'oauth-state';

export interface SignedClaims {
  clientId: string;
  provider: string;
  /** Only for `oauth-state`: the single-use nonce recorded in the database. */
  nonce?: string;
  /** When the connect link was signed (ms), carried into its states: a connect completed later voids the link. */
  linkIssuedAt?: number;
}

/** A link or state that does not verify, as the connect error of its purpose. */
function signedTokenError(purpose: SignedPurpose, failure: SignedTokenFailure): ConnectFlowError {
  const code = purpose === 'connect-link' ? ConnectFlowErrorCode.InvalidLink : ConnectFlowErrorCode.InvalidState;
  return new ConnectFlowError(code, `The link is ${failure === 'expired' ? 'expired' : 'invalid'}`, failure);
}

/**
 * Compact HMAC-SHA256 signed tokens (`<payload>.<signature>`, base64url) for
 * connect links and OAuth `state`. The key is derived from the encryption key
 * so no extra secret needs managing; the purpose is signed in, so a link can't
 * be replayed as a state or the other way round. Signed with the current key;
 * verified with the previous ones too, so links handed out before a key
 * rotation keep working while the old key is listed as previous.
 */
export class SignedTokenCodec {
  private readonly key: Buffer;
  private readonly verificationKeys: Buffer[];

  constructor(masterKey: Buffer, previousMasterKeys: Buffer[] = []) {
    this.verificationKeys = [masterKey, ...previousMasterKeys].map(deriveKey);
    this.key = this.verificationKeys[0];
  }

  sign(purpose: SignedPurpose, claims: SignedClaims, expiresAt: Date): string {
    const payload = Buffer.from(
      JSON.stringify({
        u: purpose,
        c: claims.clientId,
        p: claims.provider,
        n: claims.nonce,
        i: claims.linkIssuedAt,
        e: Math.floor(expiresAt.getTime() / 1000),
      }),
    ).toString('base64url');
    return `${payload}.${signature(this.key, payload)}`;
  }

  verify(purpose: SignedPurpose, token: string, now = new Date()): SignedClaims {
    const [payload, givenSignature, extra] = String(token ?? '').split('.');
    if (!payload || !givenSignature || extra !== undefined) throw signedTokenError(purpose, 'malformed');
    const given = Buffer.from(givenSignature);
    if (!this.verificationKeys.some((key) => sameSignature(Buffer.from(signature(key, payload)), given))) {
      throw signedTokenError(purpose, 'bad-signature');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw signedTokenError(purpose, 'malformed');
    }
    if (typeof parsed !== 'object' || parsed === null) throw signedTokenError(purpose, 'malformed');
    const body: { u?: unknown; c?: unknown; p?: unknown; n?: unknown; i?: unknown; e?: unknown } = parsed;
    if (body.u !== purpose) throw signedTokenError(purpose, 'wrong-purpose');
    if (typeof body.c !== 'string' || typeof body.p !== 'string' || typeof body.e !== 'number') {
      throw signedTokenError(purpose, 'malformed');
    }
    if (body.e * 1000 <= now.getTime()) throw signedTokenError(purpose, 'expired');
    return {
      clientId: body.c,
      provider: body.p,
      nonce: typeof body.n === 'string' ? body.n : undefined,
      linkIssuedAt: typeof body.i === 'number' ? body.i : undefined,
    };
  }
}

function deriveKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'token-health signed tokens v1', 32));
}

function signature(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

function sameSignature(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}
