// Whose request is this, for limits by client address (API.md "Limits"). The socket's address, unless the socket is
// one of TWEETSTORE_TRUSTED_PROXIES: then the X-Forwarded-For hop before the nearest untrusted one (proxy-addr, as
// Express does it; an IPv4 entry also matches its IPv6-mapped form). Nobody else's X-Forwarded-For is believed.
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';

export type ClientAddressOf = (req: IncomingMessage) => string | null;

export function clientAddressOf(trustedProxies: readonly string[]): ClientAddressOf {
  if (trustedProxies.length === 0) return (req) => limitKey(req.socket.remoteAddress);
  const trust = proxyAddr.compile([...trustedProxies]);
  return (req) => (req.socket.remoteAddress ? limitKey(proxyAddr(req, trust)) : null);
}

/**
 * The address limits count by: IPv4 as itself (also when it arrives IPv6-mapped), IPv6 by its /64, the block one
 * host or household is given, so changing the last 64 bits does not make a new client.
 */
export function limitKey(address: string | undefined): string | null {
  if (!address || !ipaddr.isValid(address)) return address || null;
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 becomes IPv4
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
