import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

/**
 * Where an endpoint may point. An outgoing webhook is a request Kessai makes on an admin's say-so
 * to a host the admin names: without a filter that is a way to reach what only this machine can
 * (the database, a cloud metadata service at 169.254.169.254, the console itself). Unless private
 * networks are allowed (`KESSAI_WEBHOOK_ALLOW_PRIVATE`, for development and tests), loopback,
 * private, link-local, shared, multicast and reserved addresses are refused — by name when the
 * endpoint is saved, and by the address actually connected to when a delivery is sent, so a name
 * that resolves to such an address (or is rebound to one later) is caught too.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) BLOCKED.addSubnet(net, prefix, 'ipv6');

/** IPv4 written inside IPv6 (`::ffff:127.0.0.1`, `::127.0.0.1`) is judged as the IPv4 it is. */
function embeddedIpv4(address: string): string | null {
  const m = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return m[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an address may not be the target of a webhook, or null when it may. */
export function blockedAddress(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return null;
  const v4 = family === 6 ? embeddedIpv4(bare) : bare;
  const blocked = v4 ? BLOCKED.check(v4, 'ipv4') : BLOCKED.check(bare, 'ipv6');
  return blocked ? `${bare} is a loopback, private or reserved address` : null;
}

/** Why a URL's host may not be an endpoint, judged by its name alone (null: it may, so far). */
export function blockedHost(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  return blockedAddress(host);
}

/** A `lookup` for outgoing connections that resolves as usual and refuses blocked addresses. */
export function guardedLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.map((a) => blockedAddress(a.address)).find((why) => why !== null);
      if (refused) {
        const error = Object.assign(new Error(`${hostname} resolves to a refused address: ${refused}`), { code: 'KESSAI_ADDRESS_REFUSED' });
        return callback(error, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
