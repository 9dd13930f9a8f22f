import { truncate } from '../../common/text';

// Control, format (bidi, zero-width) and line/paragraph separators: they could forge log lines or hide text.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

/** A receiver's answer as it may be logged and stored: printable characters only, one line, at most `maxChars`. */
export function answerSnippet(text: string, maxChars: number): string {
  return truncate(text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim(), maxChars);
}
