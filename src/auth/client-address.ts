import { isIPv4, isIPv6 } from 'node:net';

/** The part of an HTTP request that names the peer (never X-Forwarded-For: it is not trusted). */
export interface AddressedRequest {
  ip?: string;
  socket?: { remoteAddress?: string };
}

export function clientAddressOf(request: AddressedRequest | undefined): string | undefined {
  return request?.ip ?? request?.socket?.remoteAddress;
}

/**
 * The bucket an address counts in: an IPv4 address as itself, an IPv6 address by its /64
 * (one subscriber usually holds a whole /64, so single addresses would be free to mint).
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as the IPv4 address.
 */
export function addressBucket(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1];
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return 'unknown';
  return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  // A trailing dotted quad is the last 32 bits.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16).toString(16));
}
