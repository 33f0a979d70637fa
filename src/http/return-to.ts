/**
 * The one check every return address goes through (`next` in a query or form, the sign-in and continue
 * cookies): it must resolve, against PUBLIC_URL, to PUBLIC_URL's own origin. Anything else falls back to a
 * safe default (OWASP Unvalidated Redirects and Forwards Cheat Sheet; CWE-601).
 *
 * Browsers forgive what a string test does not: they drop tabs and newlines inside a URL and read "\" as
 * "/" (WHATWG URL Standard, "basic URL parser"), so `/\t/evil.example` and `/\evil.example` are
 * `//evil.example` to them. Such characters are refused outright, also when percent-encoded once (a value
 * that travels inside another `next` is decoded once more on the way), and so is a result that would still
 * read as protocol-relative (`/.//evil.example` resolves to the path `//evil.example`).
 */
import type { Config } from '../config/index.ts';
import { RETURN_TO } from '../config/defaults.ts';

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

function decodedOnce(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** `value` as a path (+ query + fragment) on PUBLIC_URL's origin, or `fallback`. */
export function safeReturnTo(
  config: Pick<Config, 'publicUrl' | 'publicOrigin'>,
  value: unknown,
  fallback: string,
): string {
  if (typeof value !== 'string' || value === '' || value.length > RETURN_TO.maxLength) return fallback;
  const decoded = decodedOnce(value);
  if (decoded === null || FORBIDDEN.test(value) || FORBIDDEN.test(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(value, config.publicUrl);
  } catch {
    return fallback;
  }
  if (url.origin !== config.publicOrigin || url.username !== '' || url.password !== '') return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith('/') || path.startsWith('//') || path.length > RETURN_TO.maxLength) return fallback;
  return path;
}
