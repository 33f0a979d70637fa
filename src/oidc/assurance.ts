/**
 * What twofold tells apps about how a person signed in: the authentication context class (acr), the RFC 8176
 * method references (amr), the authentication time, and whether a request asked for two factors. Pure,
 * shared by the provider's configuration, its interaction checks and the interaction pages.
 */
import type { CurrentSession } from '../sessions/service.ts';
import { meetsAal2 } from '../core/assurance-level.ts';

/** Authentication context classes (ISO/IEC 29115 levels as in NIST SP 800-63B §4: AAL1 one factor, AAL2 two). */
export const ACR = Object.freeze({ aal1: 'urn:twofold:aal1', aal2: 'urn:twofold:aal2' });

/** RFC 8176 method references twofold records in sessions; anything else is not reported. */
const RFC8176 = new Set(['pwd', 'otp', 'sms', 'tel', 'hwk', 'swk', 'user', 'mfa']);

export const OIDC_PATH = '/oidc';

export function issuerOf(publicUrl: string): string {
  return `${publicUrl}${OIDC_PATH}`;
}

export function reportedAmr(amr: readonly string[]): string[] {
  return [...new Set(amr.filter((value) => RFC8176.has(value)))].sort();
}

export function acrOf(amr: readonly string[]): string {
  return meetsAal2(amr) ? ACR.aal2 : ACR.aal1;
}

/** When the user last proved their presence in this session: sign-in, re-authentication or step-up (epoch s). */
export function authTimeOf(session: Pick<CurrentSession, 'createdAt' | 'reauthenticatedAt' | 'steppedUpAt'>): number {
  const times = [session.createdAt, session.reauthenticatedAt, session.steppedUpAt]
    .filter((t): t is string => !!t)
    .map((t) => Date.parse(t));
  return Math.floor(Math.max(...times) / 1000);
}

/** Did the app ask for two factors (acr_values, or an acr claim request)? */
export function wantsAal2(
  params: Record<string, unknown>,
  claims?: { id_token?: { acr?: { value?: string; values?: string[] } } },
): boolean {
  const acrValues = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  const claim = claims?.id_token?.acr;
  const claimed = [...(claim?.values ?? []), ...(claim?.value ? [claim.value] : [])];
  return acrValues.includes(ACR.aal2) || (claimed.length > 0 && claimed.every((v) => v === ACR.aal2));
}
