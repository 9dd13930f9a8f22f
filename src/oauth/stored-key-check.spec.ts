import { judgeKeys } from './stored-key-check';

describe(judgeKeys.name, () => {
  it('is fine when every stored row is under a configured key', () => {
    expect(
      judgeKeys(
        [
          { keyId: 'aaaa1111', rows: 20 },
          { keyId: 'bbbb2222', rows: 2 },
        ],
        ['aaaa1111', 'bbbb2222'],
      ),
    ).toEqual({ kind: 'fine' });
    expect(judgeKeys([], ['aaaa1111'])).toEqual({ kind: 'fine' });
  });

  it('calls the key wrong when most rows are under keys this process lacks, naming the ids on both sides', () => {
    const verdict = judgeKeys([{ keyId: 'cccc3333', rows: 22 }], ['aaaa1111', 'bbbb2222']);

    expect(verdict.kind).toBe('wrong-key');
    expect(verdict).toMatchObject({
      line: expect.stringContaining(
        '22 of 22 stored tokens were written under key ids this process does not hold: the rows use cccc3333 (22); this process has aaaa1111 (TOKEN_ENCRYPTION_KEY) and bbbb2222 (TOKEN_ENCRYPTION_PREVIOUS_KEYS)',
      ),
    });
  });

  it('reports a few rows under a removed key without refusing', () => {
    const verdict = judgeKeys(
      [
        { keyId: 'aaaa1111', rows: 9 },
        { keyId: 'dddd4444', rows: 1 },
      ],
      ['aaaa1111'],
    );

    expect(verdict).toMatchObject({ kind: 'some-unknown', line: expect.stringContaining('1 of 10 stored tokens') });
  });
});
