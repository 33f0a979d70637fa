/**
 * Whether a request comes from this machine. The socket's peer must be a loopback address; a request
 * that a proxy relayed (it carries Forwarded, X-Forwarded-For or X-Real-IP) is from this machine only
 * when TRUST_PROXY trusts that proxy and the client address it forwarded is itself loopback. So a
 * reverse proxy on the same host does not make every visitor local: without TRUST_PROXY its requests
 * never count, and with it the forwarded client address decides (Fastify's request.ip, read per TRUST_PROXY).
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return isIP(plain) === 6 && /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(plain.toLowerCase());
}

export function isLoopbackClient(request: FastifyRequest): boolean {
  if (!isLoopbackAddress(request.socket.remoteAddress)) return false;
  const relayed = FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
  if (!relayed) return true;
  // request.ips (only with TRUST_PROXY) is [peer, …forwarded addresses believed]: more than the peer means
  // the peer is a trusted proxy and request.ip is the client it forwarded.
  const believed = request.ips ?? [];
  return believed.length > 1 && isLoopbackAddress(request.ip);
}
