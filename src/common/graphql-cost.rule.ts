import {
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { COST_EXTENSION, FieldCost } from './graphql-cost';

/** Budgets of one operation. */
export interface GraphqlCostLimits {
  /** Fields in the answer: fragments expanded, each list field's selection counted once per item. */
  fields: number;
  /** Rows read: every list's size, plus `scanRows` per count over a filter. */
  rows: number;
  /** Database statements: one per root field and one per count. */
  statements: number;
  /** Times one root field may appear under different aliases. */
  aliasesPerRootField: number;
  /** What one count over a filter (`totalCount`) is priced at, in rows. */
  scanRows: number;
}

interface Cost {
  fields: number;
  rows: number;
  statements: number;
}

/** A connection's page size, waiting for the child field (`edges`) that holds the items. */
interface PendingItems {
  field: string;
  size: number;
}

type Budget = Exclude<keyof GraphqlCostLimits, 'scanRows'>;

const NONE: Cost = { fields: 0, rows: 0, statements: 0 };
const add = (a: Cost, b: Cost): Cost => ({ fields: a.fields + b.fields, rows: a.rows + b.rows, statements: a.statements + b.statements });

/**
 * Prices an operation before it runs, from the document alone (Apollo validates a
 * document once and caches it, so variables are unknown here): a list size given
 * as a variable counts as its field's maximum, an absent one as its default. Each
 * fragment is priced once per context and reused, so the rule stays linear in the
 * document however large the expansion (the costs may reach Infinity).
 */
export function costLimit(limits: GraphqlCostLimits): ValidationRule {
  return (context: ValidationContext) => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const priced = new Map<string, Cost>();
    const rootCounts = new Map<string, Map<string, number>>();
    const expanding = new Set<string>();

    const fieldOf = (type: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined =>
      type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[name] : undefined;

    const costOfSet = (set: SelectionSetNode, type: GraphQLNamedType | undefined, root: boolean, pending?: PendingItems): Cost => {
      let cost = NONE;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) cost = add(cost, costOfField(selection, type, root, pending));
        else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const narrowed = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
          cost = add(cost, costOfSet(selection.selectionSet, narrowed, root, pending));
        } else cost = add(cost, costOfFragment(selection.name.value, root, pending));
      }
      return cost;
    };

    const costOfFragment = (name: string, root: boolean, pending?: PendingItems): Cost => {
      const key = `${name}|${root}|${pending ? `${pending.field}:${pending.size}` : ''}`;
      const known = priced.get(key);
      if (known) return known;
      const fragment = fragments.get(name);
      // Unknown fragments and cycles are reported by graphql's own rules; they add nothing here.
      if (!fragment || expanding.has(key)) return NONE;
      expanding.add(key);
      const cost = costOfSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), root, pending);
      expanding.delete(key);
      priced.set(key, cost);
      return cost;
    };

    const costOfField = (node: FieldNode, parent: GraphQLNamedType | undefined, root: boolean, pending?: PendingItems): Cost => {
      const definition = fieldOf(parent, node.name.value);
      const own = definition?.extensions?.[COST_EXTENSION] as FieldCost | undefined;
      // A list's rows are read whether or not its items are selected; a connection's items multiply its `edges`.
      let rowsRead = 0;
      let items = 1;
      let childPending: PendingItems | undefined;
      if (own?.list) {
        rowsRead = listSize(node, definition!, own.list);
        if (own.list.items) childPending = { field: own.list.items, size: rowsRead };
        else items = rowsRead;
      }
      if (pending && node.name.value === pending.field) items = pending.size;
      const child = node.selectionSet ? costOfSet(node.selectionSet, definition && getNamedType(definition.type), false, childPending) : NONE;
      const ownStatements = (root && !node.name.value.startsWith('__') ? 1 : 0) + (own?.scan ? 1 : 0);
      return {
        fields: 1 + items * child.fields,
        rows: rowsRead + (own?.scan ? limits.scanRows : 0) + items * child.rows,
        statements: ownStatements + items * child.statements,
      };
    };

    const countRootFields = (set: SelectionSetNode, into: Map<string, number>, factor = 1): void => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) into.set(selection.name.value, (into.get(selection.name.value) ?? 0) + factor);
        else if (selection.kind === Kind.INLINE_FRAGMENT) countRootFields(selection.selectionSet, into, factor);
        else {
          const counts = rootFieldsOfFragment(selection.name.value);
          for (const [name, n] of counts) into.set(name, (into.get(name) ?? 0) + n * factor);
        }
      }
    };
    const rootFieldsOfFragment = (name: string): Map<string, number> => {
      const known = rootCounts.get(name);
      if (known) return known;
      const fragment = fragments.get(name);
      const counts = new Map<string, number>();
      if (!fragment || expanding.has(`root:${name}`)) return counts;
      expanding.add(`root:${name}`);
      countRootFields(fragment.selectionSet, counts);
      expanding.delete(`root:${name}`);
      rootCounts.set(name, counts);
      return counts;
    };

    return {
      OperationDefinition(node) {
        const cost = costOfSet(node.selectionSet, rootTypeOf(context, node), true);
        const counts = new Map<string, number>();
        countRootFields(node.selectionSet, counts);
        const [mostAliased, aliases] = [...counts].filter(([name]) => !name.startsWith('__')).sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
        const over = firstOverBudget(limits, { ...cost, aliasesPerRootField: aliases });
        if (over) context.reportError(overBudget(node, over, { ...cost, aliasesPerRootField: aliases }, limits, mostAliased));
        return false;
      },
    };
  };
}

function rootTypeOf(context: ValidationContext, node: OperationDefinitionNode): GraphQLNamedType | undefined {
  const schema = context.getSchema();
  return schema.getRootType(node.operation) ?? undefined;
}

function listSize(node: FieldNode, definition: GraphQLField<unknown, unknown>, list: NonNullable<FieldCost['list']>): number {
  const argument = node.arguments?.find((arg) => arg.name.value === list.argument);
  if (argument?.value.kind === Kind.INT) return Math.min(Math.max(Number(argument.value.value), 1), list.max);
  if (argument?.value.kind === Kind.VARIABLE) return list.max;
  const declared = definition.args.find((arg) => arg.name === list.argument)?.defaultValue;
  return typeof declared === 'number' ? Math.min(Math.max(declared, 1), list.max) : list.max;
}

const BUDGETS: Budget[] = ['fields', 'rows', 'statements', 'aliasesPerRootField'];

function firstOverBudget(limits: GraphqlCostLimits, cost: Record<Budget, number>): Budget | undefined {
  return BUDGETS.find((budget) => cost[budget] > limits[budget]);
}

function overBudget(node: OperationDefinitionNode, budget: Budget, cost: Record<Budget, number>, limits: GraphqlCostLimits, field: string) {
  const shown = Number.isFinite(cost[budget]) && cost[budget] < 1e12 ? String(cost[budget]) : 'too many';
  const what: Record<Budget, string> = {
    fields: `${shown} fields exceeds the limit of ${limits.fields} (fields counted after fragment expansion, each list's once per item)`,
    rows: `${shown} rows exceeds the limit of ${limits.rows} (each list counts its first, each totalCount ${limits.scanRows})`,
    statements: `${shown} statements exceeds the limit of ${limits.statements} (one per root field and one per totalCount)`,
    aliasesPerRootField: `${shown} aliases of ${field} exceeds the limit of ${limits.aliasesPerRootField} per root field`,
  };
  return new GraphQLError(`Query cost of ${what[budget]}`, { nodes: [node], extensions: { costLimit: budget } });
}
