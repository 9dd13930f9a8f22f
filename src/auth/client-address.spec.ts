import { addressBucket } from './client-address';

describe(addressBucket.name, () => {
  it('keeps an IPv4 address as itself', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const buckets = ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '[2001:db8:1:2:aa::bb]', '2001:db8:1:2::10%eth0'].map(
      addressBucket,
    );

    expect(new Set(buckets)).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('tells neighbouring /64s apart', () => {
    expect(addressBucket('2001:db8:1:3::1')).not.toBe(addressBucket('2001:db8:1:2::1'));
  });

  it('handles the loopback and the all-zero prefix', () => {
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });

  it('puts what is not an address in one shared bucket', () => {
    expect(addressBucket(undefined)).toBe('unknown');
    expect(addressBucket('not-an-address')).toBe('unknown');
  });
});
