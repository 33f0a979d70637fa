/**
 * Adding an authenticator app: a new secret per attempt (15 minutes, shown as a QR code and as text), then
 * a code from the app confirms it. A wrong code keeps the attempt and its secret (the person has already
 * added it to their app); only starting again, or the 15 minutes, gives a new one. The enrolment consumed, the factor stored and the flow's bookkeeping (2FA
 * on, backup codes) happen in one transaction.
 */
import QRCode from 'qrcode';
import { base32Encode, groupsOfFour } from '../../core/base32.ts';
import { buildOtpauthUri } from '../../core/otp.ts';
import { AppError } from '../../errors.ts';
import { inTransaction, type Ctx } from '../../context.ts';
import type { RequestMeta } from '../../audit/store.ts';
import { failedCode, type Enrolled, type Enrollee, type FactorAdded, type MethodPolicy } from '../factor.ts';
import { confirmEnrollment, startEnrollment } from './store.ts';

export interface TotpSetup {
  enrollmentId: string;
  secret: string;
  secretGroups: string;
  otpauthUri: string;
  qrSvg: string;
  expiresAt: string;
}

export interface TotpAnswer {
  readonly enrollmentId: string;
  readonly code: string;
  readonly label?: string;
}

const DEFAULT_LABEL = 'Authenticator app';

/** Issuer = the person's first org (or the product), with the one character the label format forbids removed. */
function issuerFor(ctx: Ctx, who: Enrollee): string {
  return (who.orgNames[0] ?? ctx.config.productName).replace(/:/g, ' ');
}

/** `keep`: go on with the attempt still open (a page shown again), rather than start a new one. */
export interface TotpBegin {
  readonly keep?: boolean;
}

export async function beginTotpSetup(
  ctx: Ctx,
  who: Enrollee,
  input: TotpBegin,
  _meta: RequestMeta,
  policy: MethodPolicy,
): Promise<TotpSetup> {
  await policy.assertAllowed('totp');
  const { enrollmentId, secret, expiresAt } = await startEnrollment(ctx, who.id, { keep: input.keep === true });
  const secretBase32 = base32Encode(secret);
  const otpauthUri = buildOtpauthUri({
    issuer: issuerFor(ctx, who),
    account: who.email.replace(/:/g, ''),
    secretBase32,
  });
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { enrollmentId, secret: secretBase32, secretGroups: groupsOfFour(secretBase32), otpauthUri, qrSvg, expiresAt };
}

export async function finishTotpSetup(
  ctx: Ctx,
  who: Enrollee,
  input: TotpAnswer,
  added: FactorAdded,
): Promise<Enrolled> {
  const label = input.label?.trim() || DEFAULT_LABEL;
  // The enrolment consumed, the factor, 2FA on and the backup codes: one transaction (all or nothing).
  const { result, backupCodes } = await inTransaction(ctx, async (tx) => {
    const confirmed = await confirmEnrollment(tx, who.id, input.enrollmentId, input.code.replace(/\s/g, ''), label);
    return { result: confirmed, backupCodes: confirmed.ok ? await added(tx, { label }) : null };
  });
  if (!result.ok) {
    if (result.reason === 'expired') throw new AppError('not_found', { key: 'errors:messages.totp.setupExpired' });
    if (result.clockDriftMinutes)
      throw failedCode({ ok: false, reason: 'invalid', clockDriftMinutes: result.clockDriftMinutes });
    // The attempt stays open with the same secret: the entry already in the app is the right one.
    throw new AppError('invalid_code', { key: 'errors:messages.totp.codeMismatch' });
  }
  return {
    factor: { id: result.factor.id, type: 'totp', label, createdAt: result.factor.createdAt },
    amr: ['otp'],
    backupCodes,
    changed: false,
  };
}
