/**
 * The common-password blocklist: the 49,000+ most common passwords from @zxcvbn-ts/language-common
 * (collected from public breach corpora), compared lower-cased.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let blocklist: Set<string> | null = null;

function load(): Set<string> {
  const passwords = (dictionary as Record<string, string[]>)['passwords-common'] ?? [];
  if (passwords.length < 10_000) throw new Error('common-password list is missing or too short');
  return new Set(passwords.map((p) => p.toLowerCase()));
}

export function isCommonPassword(lowerCased: string): boolean {
  blocklist ??= load();
  return blocklist.has(lowerCased);
}
