/**
 * The org's 2FA compliance list and reminders (docs/product.md "Org security settings"), for its owners and
 * admins: every member's deadline, the methods they have, and whether they asked for a reset after losing
 * every method while self-service recovery is off.
 */
import { audit, link, type Ctx } from '../context.ts';
import { describeMethod, isSecondFactorMethod, listFactors } from '../factors/index.ts';
import { csvLine } from '../core/csv.ts';
import { securityTemplates } from '../mail/templates.ts';
import { requireManager } from '../orgs/service.ts';
import { getPolicy, roleInScope } from '../orgs/policy.ts';
import { membersWithDeadlines, type MemberDeadline } from '../orgs/compliance.ts';
import { openAdminRequests } from '../recovery/store.ts';
import { checkupsOf } from '../accounts/checkup.ts';
import type { CheckupStatus } from '../core/checkup.ts';
import type { Acting } from './acting.ts';
import type { Words } from '../factors/factor.ts';
import { english } from '../i18n/index.ts';
import { resetRefusal } from './reset-member.ts';

export interface ComplianceMember extends MemberDeadline {
  /** The kinds of factor they have (factor ids: "totp", "passkey", "phone"). */
  methods: string[];
  /** The methods as people call them ("Authenticator app", "Passkey"…). */
  /** The methods' names as the policy lists them (the page says them in the reader's language). */
  methodLabels: Words[];
  /** When any of their methods was last used. */
  lastUsedAt: string | null;
  /** Asked for help after losing every method while self-service recovery is off. */
  needsReset: boolean;
  /** The 2FA check-up, 28 days after 2FA was turned on ('due': not done yet). */
  checkup: CheckupStatus;
  /** The person asking may reset this member's 2FA (the reset's own rule). */
  mayReset: boolean;
  /** Under the org's phishing-resistant rule: whether they have the passkey it asks for. */
  phishingResistant: 'not_required' | 'met' | 'needs_passkey';
}

/** Every member with their 2FA status (owner/admin of the org). */
export async function complianceMembers(ctx: Ctx, by: Acting, orgId: string): Promise<ComplianceMember[]> {
  const { role } = await requireManager(ctx, orgId, by.session.userId);
  const actor = { userId: by.session.userId, role };
  const askedForReset = await openAdminRequests(ctx, orgId);
  const policy = await getPolicy(ctx, orgId);
  const members = await membersWithDeadlines(ctx, orgId);
  const checkups = await checkupsOf(
    ctx,
    members.map((m) => m.userId),
  );
  return Promise.all(
    members.map(async (m) => {
      const factors = await listFactors(ctx, m.userId);
      const used = factors.map((f) => f.lastUsedAt).filter((at): at is string => at !== null);
      return {
        ...m,
        methods: [...new Set(factors.map((f) => f.type))],
        methodLabels: [
          ...new Set(
            factors
              .flatMap((f) => f.methods)
              .filter(isSecondFactorMethod)
              .map((x) => describeMethod(x).policyLabel),
          ),
        ],
        lastUsedAt: used.length ? used.sort().at(-1)! : null,
        needsReset: askedForReset.has(m.userId),
        checkup: checkups.get(m.userId)?.status ?? 'none',
        mayReset: m.twoFactorEnabled && (await resetRefusal(ctx, actor, m)) === null,
        phishingResistant: !roleInScope(policy.phishingResistant, m.role)
          ? ('not_required' as const)
          : factors.some((f) => f.type === 'passkey')
            ? ('met' as const)
            : ('needs_passkey' as const),
      };
    }),
  );
}

const CSV_COLUMNS = [
  'email',
  'name',
  'role',
  'two_factor',
  'methods',
  'last_used',
  'last_sign_in',
  'deadline',
  'overdue',
  'exemption',
  'exemption_until',
  'exemption_reason',
  'deadline_extended_to',
  'checkup',
  'phishing_resistant',
];

function exemptionState(m: ComplianceMember): string {
  if (!m.exemption) return '';
  if (m.exemption.breakGlass) return 'break-glass';
  return m.exemption.active ? 'exempt' : 'ended';
}

/**
 * The compliance list as CSV (owner/admin of the org), one member a line: email, role, 2FA status, methods
 * by their names, last use, deadline, exemption, extended deadline and check-up. Cells are quoted and made
 * safe against formula injection (src/core/csv.ts).
 */
export async function complianceCsv(ctx: Ctx, by: Acting, orgId: string): Promise<string> {
  const members = await complianceMembers(ctx, by, orgId);
  const lines = members.map((m) =>
    csvLine([
      m.email,
      m.name,
      m.role,
      m.twoFactorEnabled ? 'on' : 'off',
      m.methodLabels.map((w) => english(w.key)).join('; '),
      m.lastUsedAt ?? '',
      m.lastSignInAt ?? '',
      m.deadline ?? '',
      m.overdue ? 'yes' : 'no',
      exemptionState(m),
      m.exemption?.expiresAt ?? '',
      m.exemption?.reason ?? '',
      m.extendedDeadline ?? '',
      m.checkup,
      m.phishingResistant,
    ]),
  );
  return csvLine(CSV_COLUMNS) + lines.join('');
}

/** Emails every member without 2FA the heads-up: what it is, why, how, and the deadline if any. */
export async function notifyMembersWithout2fa(ctx: Ctx, by: Acting, orgId: string): Promise<number> {
  const { session, meta } = by;
  const { org } = await requireManager(ctx, orgId, session.userId);
  const members = (await membersWithDeadlines(ctx, orgId)).filter((m) => !m.twoFactorEnabled);
  // Each email in its member's saved language (the listing above leaves that out: it is what the API shows).
  const ids = members.map((m) => m.userId);
  const saved =
    ids.length === 0
      ? []
      : await ctx.db.kysely.selectFrom('users').select(['id', 'locale', 'time_zone']).where('id', 'in', ids).execute();
  const savedOf = new Map(saved.map((u) => [u.id, u]));
  for (const m of members) {
    const own = savedOf.get(m.userId);
    const to = { email: m.email, locale: own?.locale ?? null, timeZone: own?.time_zone ?? null };
    await ctx.mail.send(
      securityTemplates.pleaseEnable2fa(to, {
        productName: ctx.config.productName,
        orgName: org.name,
        deadline: m.deadline,
        url: link(ctx, '/profile/security'),
      }),
      ctx.clock(),
    );
  }
  await audit(ctx, meta, {
    event: 'members.notified',
    actorUserId: session.userId,
    orgId,
    details: { count: members.length },
  });
  return members.length;
}
