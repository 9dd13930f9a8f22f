import { GraphQLError, Kind, ValidationContext, ValidationRule, ASTNode } from 'graphql';

export const MAX_QUERY_DEPTH = 8;
export const MAX_QUERY_NODES = 500;

/** Validation rules that reject deeply nested or oversized documents before execution. */
export function graphqlLimits(): ValidationRule[] {
  return [depthLimit(MAX_QUERY_DEPTH), nodeLimit(MAX_QUERY_NODES)];
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
