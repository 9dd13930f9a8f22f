/** Longest search term: a clientId is at most 255 characters, and a longer pattern only costs more to compare. */
export const MAX_SEARCH_LENGTH = 100;

/** What one search statement may take before it is cancelled, with the page or count it belongs to. */
export const SEARCH_STATEMENT_TIMEOUT_MS = 2000;

export type SearchMatch = 'substring' | 'prefix';

// Three letters or digits in a row make at least one trigram the index can narrow by.
const TRIGRAM = /[\p{L}\p{N}]{3}/u;

/**
 * How a term is matched: a substring where the server has the trigram index and
 * the term has a trigram of its own; otherwise the start of a client id, which a
 * plain index answers directly, instead of reading every client.
 */
export function searchMatchFor(term: string, serverMode: SearchMatch): SearchMatch {
  return serverMode === 'substring' && TRIGRAM.test(term) ? 'substring' : 'prefix';
}

/** The LIKE pattern of a term, its `%`, `_` and `\` taken literally. */
export function likePattern(term: string, match: SearchMatch): string {
  const escaped = term.replace(/[\\%_]/g, (char) => `\\${char}`);
  return match === 'substring' ? `%${escaped}%` : `${escaped}%`;
}
