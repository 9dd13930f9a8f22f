import { ASTNode, FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

const MAX_QUERY_DEPTH = 8;
const MAX_QUERY_NODES = 500;
/** Fields an operation may select once every fragment is expanded where it is spread (aliases each count). */
export const MAX_QUERY_COST = 1000;

/** Validation rules that reject deeply nested, oversized or fragment-amplified documents before execution. */
export function graphqlLimits(): ValidationRule[] {
  return [depthLimit(MAX_QUERY_DEPTH), nodeLimit(MAX_QUERY_NODES), expandedCostLimit(MAX_QUERY_COST)];
}

/**
 * Counts the fields an operation would resolve after fragment expansion: a
 * fragment spread twice counts twice, so a chain of fragments that each spread
 * the next under two aliases is seen as the 2^n fields it is. Each fragment's
 * count is computed once and reused, so the rule itself stays linear in the
 * document's size however large the expansion (the counts may reach Infinity).
 */
function expandedCostLimit(maxCost: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const fragmentCost = new Map<string, number>();
    const expanding = new Set<string>();

    const costOf = (selectionSet: SelectionSetNode): number => {
      let cost = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) cost += 1 + (selection.selectionSet ? costOf(selection.selectionSet) : 0);
        else if (selection.kind === Kind.INLINE_FRAGMENT) cost += costOf(selection.selectionSet);
        else cost += costOfFragment(selection.name.value);
      }
      return cost;
    };
    const costOfFragment = (name: string): number => {
      const known = fragmentCost.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      // Unknown fragments and cycles are reported by graphql's own rules; they add nothing here.
      if (!fragment || expanding.has(name)) return 0;
      expanding.add(name);
      const cost = costOf(fragment.selectionSet);
      expanding.delete(name);
      fragmentCost.set(name, cost);
      return cost;
    };

    return {
      OperationDefinition(node) {
        const cost = costOf(node.selectionSet);
        if (cost > maxCost) {
          const shown = Number.isFinite(cost) && cost < 1e12 ? String(cost) : 'too many';
          context.reportError(
            new GraphQLError(`Query cost ${shown} exceeds the limit of ${maxCost} (fields counted after fragment expansion)`, { nodes: [node] }),
          );
        }
        return false;
      },
    };
  };
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
