import { namedSql } from './named-sql';

describe(namedSql.name, () => {
  it('numbers each distinct name once and passes only the values used', () => {
    const sut = namedSql('SELECT :a::int + :b, :a, now()::text', { a: 1, b: 2, unused: 3 });

    expect(sut).toEqual(['SELECT $1::int + $2, $1, now()::text', [1, 2]]);
  });

  it('fails loudly on a missing value', () => {
    expect(() => namedSql('SELECT :missing', {})).toThrow(/:missing/);
  });
});
