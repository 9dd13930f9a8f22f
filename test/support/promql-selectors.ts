// The series an expression selects: metric names and the labels its matchers name. Enough PromQL
// for the rules and dashboard checked in under deploy/ (functions, aggregations, binary operators,
// ranges, label matchers); an expression it cannot read is an error, never an empty answer.

export interface Selector {
  metric: string;
  labels: string[];
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Keywords followed by a list of label names, not of series. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const TOKEN =
  /\s+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\{(?<matchers>[^}]*)\}|\[[^\]]*\]|(?<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?[smhdwy]*)|(?<name>[a-zA-Z_:][\w:]*)|(?<other>[()+\-*/%^<>=!,]+)/y;
const MATCHER = /\s*(?<label>[a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*(?:,|$)/y;

export function selectorsOf(expression: string): Selector[] {
  const tokens = tokenize(expression);
  const selectors: Selector[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'name' && LABEL_LISTS.has(token.text)) {
      i = skipLabelList(tokens, i + 1, expression);
      continue;
    }
    if (token.kind === 'matchers') throw new Error(`A selector without a metric name in: ${expression}`);
    // A name followed by "(" is a function; by "by"/"without", an aggregation.
    const follower = tokens[i + 1]?.text;
    if (token.kind !== 'name' || KEYWORDS.has(token.text) || follower === '(' || follower === 'by' || follower === 'without') continue;
    const next = tokens[i + 1];
    const labels = next?.kind === 'matchers' ? matcherLabels(next.text, expression) : [];
    if (next?.kind === 'matchers') i++;
    selectors.push({ metric: token.text, labels });
  }
  return selectors;
}

interface Token {
  kind: 'name' | 'matchers' | 'other';
  text: string;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) throw new Error(`Cannot read PromQL at "${expression.slice(at)}" in: ${expression}`);
    const { matchers, name, other } = match.groups ?? {};
    if (matchers !== undefined) tokens.push({ kind: 'matchers', text: matchers });
    else if (name !== undefined) tokens.push({ kind: 'name', text: name });
    // Each parenthesis on its own, so "is a function call" is "followed by (".
    else if (other !== undefined) for (const char of other.match(/[()]|[^()]+/g)!) tokens.push({ kind: 'other', text: char });
  }
  return tokens;
}

function skipLabelList(tokens: Token[], from: number, expression: string): number {
  if (tokens[from]?.text !== '(') return from - 1;
  const close = tokens.findIndex((token, index) => index > from && token.text === ')');
  if (close < 0) throw new Error(`Unclosed label list in: ${expression}`);
  return close;
}

function matcherLabels(matchers: string, expression: string): string[] {
  const labels: string[] = [];
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < matchers.trimEnd().length) {
    const match = MATCHER.exec(matchers);
    if (!match) throw new Error(`Cannot read the label matchers {${matchers}} in: ${expression}`);
    labels.push(match.groups!.label);
  }
  return labels;
}
