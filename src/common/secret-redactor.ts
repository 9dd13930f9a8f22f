/** Echoes of a secret this long or longer are redacted wherever they start; shorter secrets only whole. */
export const SECRET_FRAGMENT = 12;
const REDACTED = '[redacted]';

/**
 * Redacts every trace of the given secrets from a text: the whole value or any
 * `SECRET_FRAGMENT`-character window of it, in any letter case, raw, URL- or
 * form-encoded, or base64 (standard or URL-safe, at any alignment).
 */
export class SecretRedactor {
  private readonly windows = new Set<string>();
  private readonly shortSecrets: string[] = [];

  constructor(secrets: Iterable<string>) {
    for (const secret of secrets) {
      for (const variant of encodingsOf(secret)) this.add(foldCase(variant));
    }
  }

  redact(text: string): string {
    const folded = foldCase(text);
    const hidden = new Uint8Array(text.length);
    for (let start = 0; start + SECRET_FRAGMENT <= folded.length; start++) {
      if (this.windows.has(folded.slice(start, start + SECRET_FRAGMENT))) hidden.fill(1, start, start + SECRET_FRAGMENT);
    }
    for (const secret of this.shortSecrets) {
      for (let at = folded.indexOf(secret); at !== -1; at = folded.indexOf(secret, at + 1)) hidden.fill(1, at, at + secret.length);
    }
    return text.replace(/[\s\S]/g, (char, at: number) => (hidden[at] ? (at === 0 || !hidden[at - 1] ? REDACTED : '') : char));
  }

  private add(variant: string): void {
    if (variant.length < SECRET_FRAGMENT) {
      if (variant.length > 0 && !this.shortSecrets.includes(variant)) this.shortSecrets.push(variant);
      return;
    }
    for (let start = 0; start + SECRET_FRAGMENT <= variant.length; start++) this.windows.add(variant.slice(start, start + SECRET_FRAGMENT));
  }
}

// ASCII only, so the folded text keeps every index of the original.
function foldCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = [0, 1, 2].flatMap((skip) => {
    // Only whole 3-byte groups: their characters do not depend on what surrounds the secret.
    const aligned = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    return [aligned.toString('base64'), aligned.toString('base64url')];
  });
  const formEncoded = new URLSearchParams({ v: secret }).toString().slice(2);
  return [...new Set([secret, encodeURIComponent(secret), formEncoded, ...base64])];
}
