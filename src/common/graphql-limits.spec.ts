import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { graphqlLimits, MAX_QUERY_COST } from './graphql-limits';

const schema = buildSchema(`
  type Report { clientId: String status: String }
  type Query { tokenHealth(clientId: String!): [Report!]! }
`);

const errorsOf = (query: string) => validate(schema, parse(query), [...specifiedRules, ...graphqlLimits()]).map((error) => error.message);

/** `levels` fragments, each spreading the next under `width` aliases. */
function chainedFragments(levels: number, width: number): string {
  const fragments = Array.from({ length: levels }, (_, level) => {
    const next = level + 1 < levels ? `F${level + 1}` : undefined;
    const body = Array.from({ length: width }, (_, i) => (next ? `a${i}: tokenHealth(clientId: "x") { ...${next} }` : `a${i}: clientId`)).join(' ');
    return `fragment F${level} on ${level === 0 ? 'Query' : 'Report'} { ${body} }`;
  });
  return `{ ...F0 }\n${fragments.join('\n')}`;
}

describe('graphqlLimits', () => {
  it('accepts a query whose expansion stays under the cost limit', () => {
    expect(
      errorsOf('{ a: tokenHealth(clientId: "x") { ...R } b: tokenHealth(clientId: "x") { ...R } } fragment R on Report { clientId status }'),
    ).toEqual([]);
  });

  it('counts aliased fields once per place a fragment is spread', () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `s${i}: status`).join(' ');
    const spreads = Array.from({ length: 50 }, (_, i) => `q${i}: tokenHealth(clientId: "x") { ...R }`).join(' ');

    expect(errorsOf(`{ ${spreads} } fragment R on Report { ${aliases} }`)).toContainEqual(
      expect.stringMatching(new RegExp(`Query cost 1050 exceeds the limit of ${MAX_QUERY_COST}`)),
    );
  });

  it('rejects a chain of aliased fragments whose expansion is astronomically large, without expanding it', () => {
    // 2^60 fields once expanded: a rule that walked each spread would never finish.
    const errors = errorsOf(chainedFragments(60, 2));

    expect(errors).toContainEqual(expect.stringMatching(/Query cost too many exceeds the limit/));
  });

  it('leaves fragment cycles to graphql-js own rule', () => {
    const errors = errorsOf('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A tokenHealth(clientId: "x") { clientId } }');

    expect(errors).toContainEqual(expect.stringMatching(/Cannot spread fragment "A" within itself/));
  });
});
