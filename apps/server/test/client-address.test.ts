// Whose request it is, for limits by address: the socket's, unless the socket is a trusted proxy.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, limitKey } from '../src/client-address.ts';

const req = (remoteAddress: string, forwarded?: string) =>
  ({ socket: { remoteAddress }, connection: { remoteAddress }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as IncomingMessage;

describe('client address', () => {
  it("is the socket's when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddressOf([])(req('192.0.2.1', '198.51.100.1'))).toBe('192.0.2.1');
  });

  it('is the hop a trusted proxy saw, by address or CIDR, and an IPv4 entry matches its IPv6-mapped form', () => {
    const of = clientAddressOf(['10.0.0.0/8', '192.0.2.5']);
    expect(of(req('10.1.2.3', '203.0.113.7'))).toBe('203.0.113.7');
    expect(of(req('::ffff:10.1.2.3', '203.0.113.7'))).toBe('203.0.113.7');
    expect(of(req('192.0.2.5', '203.0.113.8'))).toBe('203.0.113.8');
    // hops to the left of the first untrusted one are the client's own claims: ignored
    expect(of(req('10.1.2.3', '198.51.100.66, 203.0.113.7'))).toBe('203.0.113.7');
    // through two trusted proxies
    expect(of(req('10.1.2.3', '203.0.113.9, 10.9.9.9'))).toBe('203.0.113.9');
    // an untrusted socket's header is not believed
    expect(of(req('192.0.2.6', '203.0.113.7'))).toBe('192.0.2.6');
  });

  it('counts IPv4 as itself (also IPv6-mapped) and IPv6 by its /64', () => {
    expect(limitKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(limitKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe(limitKey('2001:db8:1:2::1'));
    expect(limitKey('2001:db8:1:2::1')).not.toBe(limitKey('2001:db8:1:3::1'));
    expect(limitKey(undefined)).toBeNull();
  });
});
