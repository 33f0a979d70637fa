/**
 * Which sessions count as two factors (AAL2) for apps and reverse proxies: a second factor of the person's
 * ('mfa' in the session's amr), but not an emailed code. An org may accept email codes as its 2FA (off by
 * default; docs/decisions.md "Email codes"), yet a code sent to the mailbox is not an authenticator of the
 * person's: NIST SP 800-63B rev 4 §3.1.3.1 does not accept email for AAL2, so an app that asks for two
 * factors (acr urn:twofold:aal2) or a forward-auth host that requires them asks for another method.
 */
export function meetsAal2(amr: readonly string[]): boolean {
  return amr.includes('mfa') && !amr.includes('email');
}
