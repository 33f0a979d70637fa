/**
 * Housekeeping: deletes rows that can never be used again (expired challenges, codes, enrolments, sessions,
 * cooldowns, rate-limit windows, expired OpenID Connect codes and tokens, old webhook deliveries). Run periodically by the server; safe on several instances at once
 * (plain deletes by time). Audit rows, invitations and recoveries are history and are kept.
 */
import type { Ctx } from './context.ts';
import { BACKCHANNEL_LOGOUT, MAINTENANCE, WEBHOOKS } from './config/defaults.ts';
import { pruneOidcPayloads } from './oidc/adapter.ts';
import { pruneLogoutDeliveries } from './oidc/backchannel.ts';
import { pruneDeliveries } from './webhooks/store.ts';
import { pruneForwardAuth } from './forward-auth/store.ts';
import { pruneExpiredPasswordResets } from './accounts/password-resets.ts';
import { pruneExpiredVerifications } from './accounts/verification.ts';

export async function pruneExpired(ctx: Ctx): Promise<number> {
  const now = ctx.clock();
  const nowIso = now.toISOString();
  // Kept a day past expiry, so that a just-expired link still reads as "expired", not "unknown".
  const cutoff = new Date(now.getTime() - MAINTENANCE.keepExpiredSeconds * 1000).toISOString();
  const db = ctx.db.kysely;
  const results = await Promise.all([
    db.deleteFrom('challenges').where('expires_at', '<', cutoff).executeTakeFirst(),
    db.deleteFrom('totp_enrollments').where('expires_at', '<', cutoff).executeTakeFirst(),
    db.deleteFrom('webauthn_challenges').where('expires_at', '<', cutoff).executeTakeFirst(),
    db.deleteFrom('phone_enrollments').where('expires_at', '<', cutoff).executeTakeFirst(),
    db.deleteFrom('email_enrollments').where('expires_at', '<', cutoff).executeTakeFirst(),
    db.deleteFrom('phone_codes').where('expires_at', '<', cutoff).executeTakeFirst(),
    db.deleteFrom('phone_send_cooldowns').where('available_at', '<', nowIso).executeTakeFirst(),
    db.deleteFrom('trusted_devices').where('expires_at', '<', cutoff).executeTakeFirst(),
    db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('absolute_expires_at', '<', cutoff),
          eb('idle_expires_at', '<', cutoff),
          eb('revoked_at', '<', cutoff),
        ]),
      )
      .executeTakeFirst(),
    db.deleteFrom('rate_limits').where('window_start', '<', cutoff).executeTakeFirst(),
  ]);
  // Links of the accounts module, through its stores.
  const links = (await pruneExpiredPasswordResets(ctx, cutoff)) + (await pruneExpiredVerifications(ctx, cutoff));
  // The OpenID Connect provider's codes, tokens, sessions and interactions, by its own expiry.
  const oidc = await pruneOidcPayloads(ctx.db);
  // Finished webhook messages leave the delivery log after WEBHOOKS.logKeepDays.
  const deliveries = await pruneDeliveries(
    ctx,
    new Date(now.getTime() - WEBHOOKS.logKeepDays * 86_400_000).toISOString(),
  );
  const forwardAuth = await pruneForwardAuth(ctx, cutoff);
  const logouts = await pruneLogoutDeliveries(
    ctx,
    new Date(now.getTime() - BACKCHANNEL_LOGOUT.logKeepDays * 86_400_000).toISOString(),
  );
  return results.reduce((sum, r) => sum + Number(r.numDeletedRows), oidc + links + deliveries + forwardAuth + logouts);
}
