import { Extensions } from '@nestjs/graphql';

/** Where a field's cost metadata sits in its GraphQL extensions. */
export const COST_EXTENSION = 'cost';

/** How much more than one field a field's answer can be; read by the cost rule from the schema. */
export interface FieldCost {
  /**
   * The field returns a list sized by an Int argument (`first`): its selection
   * counts once per item. `items` names the child that holds them when the field
   * is a connection (`edges`); `max` is the largest size the resolver accepts.
   */
  list?: { argument: string; max: number; items?: string };
  /** The field counts every row of a filter (`totalCount`): priced as a scan, one statement of its own. */
  scan?: boolean;
}

/** Marks a field as a list of at most `max` items, sized by `argument`. */
export const ListCost = (list: NonNullable<FieldCost['list']>): MethodDecorator & ClassDecorator & PropertyDecorator =>
  Extensions({ [COST_EXTENSION]: { list } satisfies FieldCost });

/** Marks a field as a count over a whole filter. */
export const ScanCost = (): MethodDecorator & ClassDecorator & PropertyDecorator =>
  Extensions({ [COST_EXTENSION]: { scan: true } satisfies FieldCost });
