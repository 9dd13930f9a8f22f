/**
 * Turns `:name` placeholders into PostgreSQL's `$n`, passing only the values the
 * text uses (Postgres rejects parameters it cannot type). `::casts` are left alone.
 */
export function namedSql(text: string, values: Record<string, unknown>): [string, unknown[]] {
  const order: string[] = [];
  const sql = text.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`No value for SQL parameter :${name}`);
    if (!order.includes(name)) order.push(name);
    return `$${order.indexOf(name) + 1}`;
  });
  return [sql, order.map((name) => values[name])];
}
