// Characters a person cannot see or that change how the text around them renders: C0/C1 controls
// (NUL included, which PostgreSQL cannot store in text), format characters (zero-width, bidi
// overrides, BOM) and the Unicode line and paragraph separators.
const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function hasUnsafeCharacter(text: string): boolean {
  return UNSAFE_CHARACTER.test(text);
}

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Free text from outside made safe to store and show: whitespace runs become one space, unsafe characters go. */
export function cleanFreeText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(UNSAFE_CHARACTERS, '').replace(LONE_SURROGATES, '\ufffd');
}
