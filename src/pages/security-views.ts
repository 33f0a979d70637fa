/**
 * Markup of the Security page: status and methods, trusted browsers, backup codes, the code fields. Each
 * factor's words come from its description (src/factors/<name>/factor.ts), so a new factor needs nothing here.
 */
import { PASSKEY } from '../config/defaults.ts';
import type { FactorEntry } from '../factors/factor.ts';
import { describeMethod, factorById, factorName, FACTORS, SECOND_FACTOR_METHODS } from '../factors/index.ts';
import type { SecondFactorMethod } from '../factors/index.ts';
import type { FactorOverview as Overview } from '../factors/overview.ts';
import type { TrustedDeviceView } from '../sessions/devices.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import type { FactorRemoval } from '../flows/factors.ts';
import { passkeyProofButton } from '../factors/passkey/views.ts';
import type { RequirementSummary } from '../orgs/enforcement.ts';
import { phoneProofSender } from '../factors/phone/views.ts';
import { emailProofSender } from '../factors/email/views.ts';
import { english, type T } from '../i18n/index.ts';

/** What a kind of factor is called ("Authenticator app", "Phone number"), in the reader's language. */
export function factorNameIn(t: T, type: string): string {
  return t(factorName(type).key);
}

/** An entry's name: one it was given, or its kind's name when it kept the default (in the reader's language). */
function labelOf(t: T, f: { readonly type: string; readonly label: string }): string {
  return f.label === english(factorName(f.type).key) ? factorNameIn(t, f.type) : f.label;
}

/** Shown beside an entry's own name ("authenticator app", "synced passkey, backed up"). */
function factorKindIn(t: T, f: FactorEntry): string {
  const factor = factorById(f.type);
  return factor ? t(factor.describe.kind(f).key) : '';
}

/** A method among the ways to confirm with a code ("Authenticator app code"). */
function methodOptionIn(t: T, method: SecondFactorMethod): string {
  return t(describeMethod(method).option.key);
}

/** "X requires two-factor authentication for you, so …": why 2FA cannot turn off, worded for what was tried. */
export function requiredByOrgText(t: T, orgs: readonly string[], reason: 'user' | 'last_factor_removed'): string {
  return t(reason === 'user' ? 'security:requiredBy.user' : 'security:requiredBy.lastFactor', {
    orgs: orgs.join(', '),
  });
}

/** The methods the person can confirm with: their factors' and, while some are left, backup codes. */
function methodsOf(data: Pick<Overview, 'backupCodesLeft' | 'factors'>) {
  const own = new Set(data.factors.flatMap((f) => f.methods));
  const methods = SECOND_FACTOR_METHODS.filter((m) => own.has(m) || (m === 'backup_code' && data.backupCodesLeft > 0));
  return methods.map((m) => ({ method: m, answer: describeMethod(m).answer }));
}

/**
 * Method + code inputs for confirming with a second factor (re-auth, turning 2FA off); with a passkey,
 * a button that answers with it instead (needs /static/webauthn.js on the page).
 */
export function factorCodeFields(t: T, data: Pick<Overview, 'backupCodesLeft' | 'factors'>): Html {
  const methods = methodsOf(data);
  const hasPasskey = methods.some((m) => m.answer === 'passkey');
  let codes = methods.filter((m) => m.answer !== 'passkey');
  // Nothing of one's own to type a code from: an app's code is asked for (the form still names a method).
  if (!hasPasskey && !codes.some((m) => m.method !== 'backup_code')) {
    const first = SECOND_FACTOR_METHODS.find((m) => describeMethod(m).answer === 'code')!;
    codes = [{ method: first, answer: describeMethod(first).answer }, ...codes];
  }
  return html`${hasPasskey ? passkeyProofButton(t) : ''}
    ${
      codes.length > 0
        ? html`<label for="method">${hasPasskey ? t('security:codeFields.orEnter') : t('security:codeFields.secondFactor')}</label>
    <select id="method" name="method">
      ${codes.map((m) => html`<option value="${m.method}">${methodOptionIn(t, m.method)}</option>`)}
    </select>
    <label for="factor-code">${t('security:codeFields.code')}</label>
    <input id="factor-code" name="code" type="text" autocomplete="one-time-code" spellcheck="false" maxlength="20" required>`
        : ''
    }`;
}

/** "Text me a code" before a form that asks for a second factor, when the person has a method whose code is sent. */
export function phoneProofFor(
  t: T,
  data: Pick<Overview, 'factors' | 'backupCodesLeft'>,
  csrf: string,
  next: string,
  sent: string | null,
): Html {
  const methods = methodsOf(data);
  const byPhone = methods.some((m) => m.answer === 'sent_code' && m.method !== 'email');
  const byEmail = methods.some((m) => m.method === 'email');
  return html`${byPhone ? phoneProofSender(t, csrf, next, sent) : ''}${byEmail ? emailProofSender(t, csrf, next, sent) : ''}`;
}

function postButton(action: string, csrf: string, label: string, kind = 'secondary'): Html {
  return html`<form method="post" action="${action}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="${kind} small">${label}</button></form>`;
}

/** The kind of a method, by the name every page uses, with the factor's detail when it has one. */
function kindOf(t: T, f: FactorEntry): string {
  const name = factorNameIn(t, f.type);
  const detail = factorKindIn(t, f);
  return !detail || detail.toLowerCase() === name.toLowerCase() ? name : `${name}: ${detail}`;
}

/** Change in place (a phone number), or rename (an app, a passkey), as the factor allows. */
function editControl(t: T, f: FactorEntry, csrf: string): Html {
  const factor = factorById(f.type);
  if (factor?.describe.change)
    return html`<a class="button secondary small" href="${factor.describe.change.path(f.id)}">${t(factor.describe.change.label.key)}</a>`;
  return factor?.rename ? renameForm(t, f, csrf) : html``;
}

/** A rename form for one method. */
function renameForm(t: T, entry: FactorEntry, csrf: string): Html {
  return html`<details class="inline"><summary>${t('security:overview.rename')}</summary>
    <form method="post" action="/profile/security/factors/${entry.id}/rename" class="inline">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label for="rename-${entry.id}" class="sr-only">${t('security:overview.newName', { label: labelOf(t, entry) })}</label>
      <input id="rename-${entry.id}" name="label" type="text" maxlength="${PASSKEY.labelMaxLength}" required value="${labelOf(t, entry)}">
      <button type="submit" class="secondary small">${t('common:actions.save')}</button>
    </form></details>`;
}

/** The ways to add a factor: the first as the main button while the person has none, else all secondary. */
function setupLinks(t: T, hasFactor: boolean, refused: readonly string[]): Html {
  // A factor every method of which an org of the person refuses is not offered.
  const offered = FACTORS.filter((f) => f.methods.some((m) => !refused.includes(m)));
  const setups = offered.flatMap((f) =>
    f.describe.setup ? [{ path: f.describe.setup.path, label: t(f.describe.setup.label.key) }] : [],
  );
  return html`<p class="row-actions" id="add-method">${setups.map((s, i) => html`<a class="${i === 0 && !hasFactor ? 'button' : 'button secondary'}" href="${s.path}">${s.label}</a> `)}</p>`;
}

export function overviewView(
  t: T,
  data: Overview,
  devices: readonly TrustedDeviceView[],
  csrf: string,
  requiredBy: readonly string[],
  refused: readonly string[] = [],
): Html {
  return html`<h1>${t('security:title')}</h1>
<section class="card" aria-labelledby="twofa-title">
  <h2 id="twofa-title">${t('security:overview.twoFactor')} <span class="badge ${data.twoFactorEnabled ? 'ok' : 'warn'}">${data.twoFactorEnabled ? t('security:overview.on') : t('security:overview.off')}</span></h2>
  <p>${data.twoFactorEnabled ? t('security:overview.onText') : t('security:overview.offText')}</p>
  ${
    data.factors.length > 0
      ? html`<div class="table-scroll" role="region" aria-label="${t('security:overview.methodsTable')}" tabindex="0"><table>
    <caption class="sr-only">${t('security:overview.methodsTable')}</caption>
    <thead><tr><th scope="col">${t('security:overview.method')}</th><th scope="col">${t('security:overview.added')}</th><th scope="col">${t('security:overview.lastUsed')}</th><th scope="col"><span class="sr-only">${t('security:overview.actions')}</span></th></tr></thead>
    <tbody>${data.factors.map(
      (f) => html`<tr>
      <td>${labelOf(t, f)} ${kindOf(t, f).toLowerCase() === labelOf(t, f).toLowerCase() ? '' : html`<span class="muted">(${kindOf(t, f)})</span>`} ${f.isDefault ? html`<span class="badge">${t('security:overview.default')}</span>` : ''}${f.methods.length > 0 && f.methods.every((m) => refused.includes(m)) ? html` <span class="badge warn">${t('security:overview.notAccepted')}</span>` : ''}</td>
      <td class="nowrap">${t.day(f.createdAt)}</td><td class="nowrap">${t.day(f.lastUsedAt)}</td>
      <td>${f.isDefault ? '' : postButton(`/profile/security/factors/${f.id}/default`, csrf, t('security:overview.makeDefault'))}
        <a class="button danger small" href="/profile/security/factors/${f.id}/remove" aria-label="${t('security:overview.removeLabel', { label: labelOf(t, f) })}">${t('common:actions.remove')}</a>
        ${editControl(t, f, csrf)}</td>
    </tr>`,
    )}</tbody>
  </table></div>`
      : ''
  }
  ${setupLinks(t, data.factors.length > 0, refused)}
</section>
${
  data.twoFactorEnabled
    ? html`<section class="card" aria-labelledby="backup-title">
  <h2 id="backup-title">${t('security:overview.backupTitle')}</h2>
  <p>${t.html('security:overview.backupLeft', { count: data.backupCodesLeft })}</p>
  ${data.backupCodesLow ? html`<div class="notice notice-error" role="alert">${t('security:overview.backupLow')}</div>` : ''}
  ${postButton('/profile/security/backup-codes', csrf, t('security:overview.generate'))}
  <p class="hint">${t('security:overview.generateHint')}</p>
</section>
<section class="card" aria-labelledby="devices-title">
  <h2 id="devices-title">${t('security:overview.devicesTitle')}</h2>
  ${
    devices.length === 0
      ? html`<p class="muted">${t.html('security:overview.noDevices')}</p>`
      : html`<div class="table-scroll" role="region" aria-label="${t('security:overview.devicesTable')}" tabindex="0"><table>
    <caption class="sr-only">${t('security:overview.devicesTable')}</caption>
    <thead><tr><th scope="col">${t('security:overview.browser')}</th><th scope="col">${t('security:overview.ip')}</th><th scope="col">${t('security:overview.lastUsed')}</th><th scope="col">${t('security:overview.trustedUntil')}</th><th scope="col"><span class="sr-only">${t('security:overview.actions')}</span></th></tr></thead>
    <tbody>${devices.map(
      (
        d,
      ) => html`<tr><td>${t.browser(d.userAgent)}${d.current ? html` <span class="badge ok">${t('common:words.thisBrowser')}</span>` : ''}</td><td class="nowrap">${d.ip}</td><td class="nowrap">${t.day(d.lastUsedAt)}</td><td class="nowrap">${t.day(d.expiresAt)}</td>
      <td>${postButton(`/profile/security/devices/${d.id}/revoke`, csrf, t('security:overview.revoke'), 'danger')}</td></tr>`,
    )}</tbody>
  </table></div>`
  }
</section>
<section class="card" aria-labelledby="disable-title">
  <h2 id="disable-title">${t('security:overview.turnOffTitle')}</h2>
  ${
    requiredBy.length > 0
      ? html`<p>${requiredByOrgText(t, requiredBy, 'user')}</p>`
      : html`<p>${t('security:overview.turnOffText')}</p>
  <p><a class="button danger" href="/profile/security/disable">${t('security:overview.turnOffLink')}</a></p>`
  }
</section>`
    : ''
}
<p><a href="/profile">${t('security:overview.back')}</a></p>`;
}

/** "Turn off two-factor authentication": the confirmation form (password and a current code). */
export function turnOffView(t: T, data: Overview, csrf: string, error: string | null, sent: string | null): Html {
  return html`<section class="card narrow" aria-labelledby="disable-title">
  <h1 id="disable-title">${t('security:turnOff.title')}</h1>
  ${notice('error', error)}
  <p>${t('security:turnOff.text')}</p>
  ${phoneProofFor(t, data, csrf, '/profile/security/disable', sent)}
  <form method="post" action="/profile/security/disable">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="disable-password">${t('security:turnOff.password')}</label>
    <input id="disable-password" name="password" type="password" autocomplete="current-password" required>
    ${factorCodeFields(t, data)}
    <p class="row-actions"><button type="submit" class="danger">${t('security:turnOff.title')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a></p>
  </form>
  <p class="hint"><a href="/forgot-password">${t('security:turnOff.forgot')}</a></p>
</section>`;
}

/** "Remove …?": what will happen, then Remove or Cancel (refused up front when an org requires 2FA). */
export function removeFactorView(t: T, removal: FactorRemoval, csrf: string): Html {
  const kind = factorNameIn(t, removal.factor.type);
  const label = labelOf(t, removal.factor);
  const name = kind.toLowerCase() === label.toLowerCase() ? label : `${label} (${kind})`;
  const blocked = removal.last && removal.requiredBy.length > 0;
  return html`<section class="card narrow" aria-labelledby="remove-title">
  <h1 id="remove-title">${t('security:remove.title', { name })}</h1>
  ${
    blocked
      ? html`<div class="notice notice-info" role="status">${requiredByOrgText(t, removal.requiredBy, 'last_factor_removed')}</div>
  <p class="row-actions"><a class="button" href="/profile/security">${t('security:remove.backToSecurity')}</a></p>`
      : html`${
          removal.last ? html`<p>${t.html('security:remove.last')}</p>` : html`<p>${t('security:remove.notLast')}</p>`
        }
  <form method="post" action="/profile/security/factors/${removal.factor.id}/remove">
    <input type="hidden" name="_csrf" value="${csrf}">
    <p class="row-actions"><button type="submit" class="danger">${removal.last ? t('security:remove.removeAndOff') : t('common:actions.remove')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a></p>
  </form>`
  }
</section>`;
}

/** Backup codes, shown once: download (.txt), print and copy; the list itself works without JavaScript. */
export function backupCodesView(
  t: T,
  codes: readonly string[],
  productName: string,
  email: string,
  justEnabled: boolean,
  doneHref = '/profile/security?done=totp_added',
): Html {
  const heading = t('security:backupCodes.fileHeading', { product: productName, email });
  const text = `${heading}\n${t('security:backupCodes.fileNote')}\n\n${codes.join('\n')}\n`;
  return html`<section class="card" aria-labelledby="codes-title">
  <h1 id="codes-title">${justEnabled ? t('security:backupCodes.justEnabled') : t('security:backupCodes.newSet')}</h1>
  <div class="notice notice-info" role="status">${t.html('security:backupCodes.saveNow')}${justEnabled ? '' : t('security:backupCodes.oldGone')}</div>
  <ul class="codes" id="backup-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
  <p class="row-actions">
    <a class="button secondary" download="${t('security:backupCodes.fileName', { product: productName })}" href="data:text/plain;charset=utf-8,${encodeURIComponent(text)}">${t('security:backupCodes.download')}</a>
    <button type="button" class="secondary" data-action="print" hidden>${t('security:backupCodes.print')}</button>
    <button type="button" class="secondary" data-action="copy" data-copy="${codes.join('\n')}" data-copied="${t('common:actions.copied')}" data-copy-failed="${t('security:backupCodes.copyFailed')}" hidden>${t('common:actions.copy')}</button>
  </p>
  <p><a class="button" href="${justEnabled ? doneHref : '/profile/security'}">${t('security:backupCodes.saved')}</a></p>
</section>`;
}

/** "Your organization requires two-factor authentication — N days left" (or: now). */
export function requirementBanner(t: T, requirement: RequirementSummary): Html {
  if (!requirement.deadline) return html``;
  const orgs = requirement.orgs.join(', ');
  if (requirement.overdue) {
    return html`<div class="notice notice-error" role="alert">${t.html('security:requirement.overdue', { orgs })}</div>`;
  }
  const days = requirement.daysLeft ?? 0;
  return html`<div class="notice notice-info" role="status">${t.html('security:requirement.dueSoon', { count: days, orgs, date: t.day(requirement.deadline) })} <a href="/profile/security/totp">${t('security:requirement.setUpNow')}</a></div>`;
}
