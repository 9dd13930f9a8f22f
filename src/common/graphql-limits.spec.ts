import { buildSchema, GraphQLObjectType, parse, specifiedRules, validate } from 'graphql';
import { COST_EXTENSION, FieldCost } from './graphql-cost';
import { GRAPHQL_COST_LIMITS, graphqlLimits } from './graphql-limits';

const schema = buildSchema(`
  type Report { clientId: String status: String }
  type Event { at: String error: String }
  type Edge { cursor: String node: Report }
  type Connection { edges: [Edge!]! totalCount: Int! }
  type Query {
    tokenHealth(clientId: String!): [Report!]!
    history(first: Int = 50): [Event!]!
    tokens(first: Int = 50): Connection!
  }
`);
const withCost = (type: string, field: string, cost: FieldCost) =>
  Object.assign((schema.getType(type) as GraphQLObjectType).getFields()[field], { extensions: { [COST_EXTENSION]: cost } });
withCost('Query', 'history', { list: { argument: 'first', max: 500 } });
withCost('Query', 'tokens', { list: { argument: 'first', max: 100, items: 'edges' } });
withCost('Connection', 'totalCount', { scan: true });

const errorsOf = (query: string) => validate(schema, parse(query), [...specifiedRules, ...graphqlLimits()]);
const messagesOf = (query: string) => errorsOf(query).map((error) => error.message);
const aliased = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

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
      messagesOf('{ a: tokenHealth(clientId: "x") { ...R } b: tokenHealth(clientId: "x") { ...R } } fragment R on Report { clientId status }'),
    ).toEqual([]);
  });

  it('counts aliased fields once per place a fragment is spread', () => {
    const spreads = Array.from({ length: 10 }, (_, i) => `q${i}: tokenHealth(clientId: "x") { ...R }`).join(' ');

    expect(messagesOf(`{ ${spreads} } fragment R on Report { ${aliased(300, 'status')} }`)).toEqual([
      expect.stringMatching(/^Query cost of 3010 fields exceeds the limit of 3000/),
    ]);
  });

  it('rejects a chain of aliased fragments whose expansion is astronomically large, without expanding it', () => {
    // 2^60 fields once expanded: a rule that walked each spread would never finish.
    expect(messagesOf(chainedFragments(60, 2))).toContainEqual(expect.stringMatching(/Query cost of too many fields exceeds the limit/));
  });

  it('leaves fragment cycles to graphql-js own rule', () => {
    const errors = messagesOf('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A tokenHealth(clientId: "x") { clientId } }');

    expect(errors).toContainEqual(expect.stringMatching(/Cannot spread fragment "A" within itself/));
  });

  describe('list sizes', () => {
    it('counts a list field once per item of its first: one history of 500 errors is 501 fields', () => {
      expect(messagesOf('{ history(first: 500) { error } }')).toEqual([]);
      expect(messagesOf(`{ history(first: 500) { ${aliased(6, 'error')} } }`)).toEqual([expect.stringMatching(/^Query cost of 3001 fields/)]);
    });

    it('counts the rows of aliased lists against the row budget', () => {
      expect(messagesOf(`{ ${aliased(2, 'history(first: 500) { error }')} }`)).toEqual([]);
      const errors = errorsOf(`{ ${aliased(3, 'history(first: 500) { error }')} }`);

      expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/^Query cost of 1500 rows exceeds the limit of 1000/)]);
      expect(errors[0].extensions).toMatchObject({ costLimit: 'rows' });
    });

    it("uses the field's default when first is absent, and its maximum when first is a variable", () => {
      expect(messagesOf(`{ ${aliased(10, 'history { error }')} }`)).toEqual([]);
      expect(messagesOf(`query($n: Int) { ${aliased(3, 'history(first: $n) { error }')} }`)).toEqual([
        expect.stringMatching(/^Query cost of 1500 rows/),
      ]);
    });

    it('clamps a first above the maximum to it (the resolver refuses it with BAD_USER_INPUT)', () => {
      expect(messagesOf('{ history(first: 100000) { error } }')).toEqual([]);
    });

    it("multiplies a connection's edges, not its count, by first", () => {
      expect(messagesOf('{ tokens(first: 100) { edges { cursor node { clientId status } } totalCount } }')).toEqual([]);
      expect(messagesOf(`{ tokens(first: 100) { edges { node { ${aliased(30, 'status')} } } } }`)).toEqual([
        expect.stringMatching(/^Query cost of 3102 fields/),
      ]);
    });
  });

  describe('counts and statements', () => {
    it(`prices each totalCount as a scan of ${GRAPHQL_COST_LIMITS.scanRows} rows`, () => {
      expect(messagesOf(`{ ${aliased(3, 'tokens(first: 1) { totalCount }')} }`)).toEqual([]);
      expect(messagesOf(`{ ${aliased(4, 'tokens(first: 1) { totalCount }')} }`)).toEqual([expect.stringMatching(/^Query cost of 1004 rows/)]);
    });

    it('refuses 250 aliases of tokens { totalCount }', () => {
      expect(messagesOf(`{ ${aliased(250, 'tokens(first: 1) { totalCount }')} }`)).toEqual([expect.stringMatching(/^Query cost of 62750 rows/)]);
    });

    it('counts one statement per root field', () => {
      const spreads = Array.from({ length: 21 }, (_, i) => `f${i}: tokenHealth(clientId: "x") { clientId }`);
      const query = `{ ${spreads.slice(0, 7).join(' ')} ...A ...B } fragment A on Query { ${spreads.slice(7, 14).join(' ')} } fragment B on Query { ${spreads.slice(14).join(' ')} }`;

      expect(messagesOf(query)).toEqual([expect.stringMatching(/^Query cost of 21 statements exceeds the limit of 20/)]);
    });

    it('caps the aliases of one root field', () => {
      const errors = errorsOf(`{ ${aliased(11, 'history(first: 1) { at }')} }`);

      expect(errors.map((error) => error.message)).toEqual(['Query cost of 11 aliases of history exceeds the limit of 10 per root field']);
      expect(errors[0].extensions).toMatchObject({ costLimit: 'aliasesPerRootField' });
    });

    it('takes overrides of any budget', () => {
      const errors = validate(schema, parse('{ history(first: 10) { at } }'), graphqlLimits({ rows: 5 }));

      expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/^Query cost of 10 rows exceeds the limit of 5/)]);
    });
  });
});
