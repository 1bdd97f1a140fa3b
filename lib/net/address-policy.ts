import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a tenant-supplied URL must never reach: loopback, private,
 * link-local (which holds the cloud metadata service), carrier-grade NAT,
 * multicast and reserved space, in IPv4 and IPv6 (including IPv4-mapped IPv6).
 */
const FORBIDDEN_RANGES: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

/** Decides which resolved addresses outbound calls may connect to. */
export class AddressPolicy {
  private readonly forbidden = new BlockList();
  private readonly allowed = new BlockList();

  /** @param allowCidrs operator allow-list, e.g. `["127.0.0.1/32", "10.1.0.0/16"]`, checked before the forbidden ranges */
  constructor(allowCidrs: readonly string[] = []) {
    for (const [address, prefix, family] of FORBIDDEN_RANGES) this.forbidden.addSubnet(address, prefix, family);
    for (const cidr of allowCidrs) {
      const [address = '', prefixText] = cidr.trim().split('/');
      const family = isIP(address);
      if (family === 0) throw new Error(`invalid CIDR in outbound allow-list: ${cidr}`);
      const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
      this.allowed.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** Whether a connection to this IP address is permitted. */
  permits(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, type)) return true;
    const mapped = family === 6 ? ipv4Mapped(address) : undefined;
    if (mapped !== undefined) return this.permits(mapped);
    return !this.forbidden.check(address, type);
  }
}

/** `::ffff:10.0.0.1` hides an IPv4 address in IPv6 clothing; unwrap it so the IPv4 rules apply. */
function ipv4Mapped(address: string): string | undefined {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1];
}
