import { ASTNode, GraphQLError, Kind, ValidationContext, ValidationRule } from 'graphql';
import { costLimit, GraphqlCostLimits } from './graphql-cost.rule';

export type { GraphqlCostLimits } from './graphql-cost.rule';

const MAX_QUERY_DEPTH = 8;
const MAX_QUERY_NODES = 500;

/**
 * What one operation may cost by default. A full page of the fleet with its
 * count, or the longest history, fits; 1000 rows of the widest answer stay well
 * under a megabyte; 20 statements leave the pool to the rest of the service.
 */
export const GRAPHQL_COST_LIMITS: Readonly<GraphqlCostLimits> = Object.freeze({
  fields: 3000,
  rows: 1000,
  statements: 20,
  aliasesPerRootField: 10,
  scanRows: 250,
});

/**
 * Validation rules that refuse, before anything runs, a document nested deeper
 * than 8 levels, one selecting more than 500 fields as written, and one whose
 * cost is over budget: fields after fragment expansion with each list counted
 * once per item (`first`), rows read (each `totalCount` priced as a scan),
 * database statements, and aliases of one root field. A refusal is one GraphQL
 * error whose message starts with "Query cost" and whose `extensions.costLimit`
 * names the budget. Give them to your GraphQL driver, e.g.
 * `GraphQLModule.forRoot({ driver: ApolloDriver, validationRules: graphqlLimits() })`;
 * `limits` overrides any default of `GRAPHQL_COST_LIMITS`.
 */
export function graphqlLimits(limits: Partial<GraphqlCostLimits> = {}): ValidationRule[] {
  return [depthLimit(MAX_QUERY_DEPTH), nodeLimit(MAX_QUERY_NODES), costLimit({ ...GRAPHQL_COST_LIMITS, ...limits })];
}

function depthLimit(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    let depth = 0;
    return {
      SelectionSet: {
        enter(node) {
          depth++;
          if (depth > maxDepth) {
            context.reportError(new GraphQLError(`Query is nested deeper than ${maxDepth} levels`, { nodes: [node] }));
            return false;
          }
          return undefined;
        },
        leave() {
          depth--;
        },
      },
    };
  };
}

function nodeLimit(maxNodes: number): ValidationRule {
  return (context: ValidationContext) => {
    let count = 0;
    let reported = false;
    return {
      enter(node: ASTNode) {
        if (node.kind !== Kind.FIELD && node.kind !== Kind.FRAGMENT_SPREAD && node.kind !== Kind.INLINE_FRAGMENT) return;
        count++;
        if (count > maxNodes && !reported) {
          reported = true;
          context.reportError(new GraphQLError(`Query selects more than ${maxNodes} fields`));
        }
      },
    };
  };
}
