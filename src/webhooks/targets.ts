/**
 * Where a webhook may be sent (SSRF, OWASP Server-Side Request Forgery Prevention Cheat Sheet): an https URL
 * without credentials, whose host — as written and as resolved by DNS at every delivery — is not a loopback,
 * private, link-local, shared, documentation, multicast or reserved address (IANA special-purpose address
 * registries, RFC 6890). The resolved address is checked in the connection's own DNS lookup, so a name cannot
 * resolve to a public address for the check and a private one for the request (DNS rebinding). Redirects
 * are not followed. WEBHOOK_ALLOW_PRIVATE_TARGETS=true lifts the address rule and allows http (tests,
 * single-host set-ups).
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { WEBHOOKS } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import type { MessageKey, MessageValues } from '../i18n/index.ts';

const BLOCKED = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (with a dotted IPv4 tail turned into two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === null ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g || '0', 16));
}

/** True for an address a webhook must not reach (IPv4-mapped and NAT64 IPv6 addresses are judged as IPv4). */
export function isBlockedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const groups = ipv6Groups(address);
  const mapped = groups.slice(0, 6).join(':') === '0:0:0:0:0:65535';
  const nat64 = groups.slice(0, 6).join(':') === '100:65435:0:0:0:0';
  if (mapped || nat64) {
    const v4 = [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
    return BLOCKED.check(v4, 'ipv4');
  }
  return BLOCKED.check(address.toLowerCase(), 'ipv6');
}

/** Checks a webhook URL as entered; returns its normalised form or throws `invalid_request` naming why. */
export function parseWebhookUrl(input: string, allowPrivate: boolean): string {
  const refuse = (key: MessageKey, values: MessageValues = {}): never => {
    throw new AppError('invalid_request', { key, values, details: { field: 'url' } });
  };
  if (input.length > WEBHOOKS.maxUrlLength)
    refuse('errors:messages.webhooks.urlTooLong', { max: WEBHOOKS.maxUrlLength });
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse('errors:messages.webhooks.urlNotFull');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    refuse('errors:messages.webhooks.urlHttps');
  if (url.username || url.password) refuse('errors:messages.webhooks.urlCredentials');
  if (url.hash) refuse('errors:messages.webhooks.urlFragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate) {
    if (net.isIP(host) && isBlockedAddress(host)) refuse('errors:messages.webhooks.urlPrivate');
    if (host === 'localhost' || host.endsWith('.localhost')) refuse('errors:messages.webhooks.urlLocalhost');
  }
  return url.toString();
}

/** An address written in the URL itself is never looked up: it is checked here before connecting. */
export function refusedLiteral(url: URL, allowPrivate: boolean): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return !allowPrivate && net.isIP(host) !== 0 && isBlockedAddress(host);
}

/**
 * A DNS lookup for the delivery's connection that refuses blocked addresses (unless allowed): the address
 * connected to is the address checked.
 */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as dns.LookupAddress[];
      const usable = allowPrivate ? list : list.filter((a) => !isBlockedAddress(a.address));
      if (usable.length === 0 || usable.length !== list.length) {
        const refused = Object.assign(new Error('webhook target resolves to a refused address'), {
          code: 'REFUSED_TARGET',
        });
        return callback(refused, '', 4);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

interface SendResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
}

/**
 * POSTs `body` to a checked address (the literal before connecting, every resolved address in the
 * connection's own lookup), with a time limit and no redirects; only the outcome's class is kept.
 */
export function postGuarded(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { readonly allowPrivate: boolean; readonly timeoutMs: number },
): Promise<SendResult> {
  const { allowPrivate, timeoutMs } = options;
  return new Promise((resolve) => {
    const target = new URL(url);
    if (refusedLiteral(target, allowPrivate)) return resolve({ ok: false, status: null, error: 'refused_target' });
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(allowPrivate),
        timeout: timeoutMs,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume(); // the body is not read, only drained
        response.on('end', () => {
          if (status >= 200 && status < 300) resolve({ ok: true, status, error: null });
          else
            resolve({
              ok: false,
              status,
              error: status >= 300 && status < 400 ? 'redirect_not_followed' : `http_${status}`,
            });
        });
        response.on('error', () => resolve({ ok: false, status, error: 'response_error' }));
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.on('error', (error: Error & { code?: string }) => {
      const code =
        error.code === 'REFUSED_TARGET'
          ? 'refused_target'
          : error.code === 'TIMEOUT'
            ? 'timeout'
            : (error.code ?? 'network').toLowerCase();
      resolve({ ok: false, status: null, error: code });
    });
    request.end(body);
  });
}
