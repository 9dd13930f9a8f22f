import { likePattern, searchMatchFor } from './fleet-search';

describe(searchMatchFor.name, () => {
  it.each(['cme', 'acme-north', 'seed-0001', 'Zür', '客户名'])('matches %j as a substring where the server has trigrams', (term) => {
    expect(searchMatchFor(term, 'substring')).toBe('substring');
  });

  it.each(['x', 'zz', '%', '_', '\\', 'a-b-c', 'e_s', '12'])('matches %j, which has no trigram, as a prefix', (term) => {
    expect(searchMatchFor(term, 'substring')).toBe('prefix');
  });

  it('matches every term as a prefix where the server has no trigram index', () => {
    expect(searchMatchFor('acme', 'prefix')).toBe('prefix');
  });
});

describe(likePattern.name, () => {
  it('takes %, _ and \\ literally', () => {
    expect(likePattern('a%b_c\\', 'substring')).toBe('%a\\%b\\_c\\\\%');
    expect(likePattern('%', 'prefix')).toBe('\\%%');
  });
});
