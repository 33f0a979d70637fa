/**
 * Markup of the Security page: status and methods, trusted browsers, backup codes, the code fields. Each
 * factor's words come from its description (src/factors/<name>/factor.ts), so a new factor needs nothing here.
 */
import { PASSKEY } from '../config/defaults.ts';
import type { FactorEntry } from '../factors/factor.ts';
import { describeMethod, factorById, factorName, FACTORS, SECOND_FACTOR_METHODS } from '../factors/index.ts';
import type { FactorOverview as Overview } from '../factors/overview.ts';
import type { TrustedDeviceView } from '../sessions/devices.ts';
import { html, type Html } from '../core/html.ts';
import { notice } from './layout.ts';
import type { FactorRemoval } from '../flows/factors.ts';
import { requiredByOrgMessage } from '../flows/two-factor.ts';
import { passkeyProofButton } from '../factors/passkey/views.ts';
import type { RequirementSummary } from '../orgs/enforcement.ts';
import { phoneProofSender } from '../factors/phone/views.ts';
import { emailProofSender } from '../factors/email/views.ts';

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—');

/** The methods the person can confirm with: their factors' and, while some are left, backup codes. */
function methodsOf(data: Pick<Overview, 'backupCodesLeft' | 'factors'>) {
  const own = new Set(data.factors.flatMap((f) => f.methods));
  const methods = SECOND_FACTOR_METHODS.filter((m) => own.has(m) || (m === 'backup_code' && data.backupCodesLeft > 0));
  return methods.map((m) => ({ method: m, ...describeMethod(m) }));
}

/**
 * Method + code inputs for confirming with a second factor (re-auth, turning 2FA off); with a passkey,
 * a button that answers with it instead (needs /static/webauthn.js on the page).
 */
export function factorCodeFields(data: Pick<Overview, 'backupCodesLeft' | 'factors'>): Html {
  const methods = methodsOf(data);
  const hasPasskey = methods.some((m) => m.answer === 'passkey');
  let codes = methods.filter((m) => m.answer !== 'passkey');
  // Nothing of one's own to type a code from: an app's code is asked for (the form still names a method).
  if (!hasPasskey && !codes.some((m) => m.method !== 'backup_code')) {
    const first = SECOND_FACTOR_METHODS.find((m) => describeMethod(m).answer === 'code')!;
    codes = [{ method: first, ...describeMethod(first) }, ...codes];
  }
  return html`${hasPasskey ? passkeyProofButton() : ''}
    ${
      codes.length > 0
        ? html`<label for="method">${hasPasskey ? 'Or enter a code' : 'Second factor'}</label>
    <select id="method" name="method">
      ${codes.map((m) => html`<option value="${m.method}">${m.option}</option>`)}
    </select>
    <label for="factor-code">Code</label>
    <input id="factor-code" name="code" type="text" autocomplete="one-time-code" spellcheck="false" maxlength="20" required>`
        : ''
    }`;
}

/** "Text me a code" before a form that asks for a second factor, when the person has a method whose code is sent. */
export function phoneProofFor(
  data: Pick<Overview, 'factors' | 'backupCodesLeft'>,
  csrf: string,
  next: string,
  sent: string | null,
): Html {
  const methods = methodsOf(data);
  const byPhone = methods.some((m) => m.answer === 'sent_code' && m.method !== 'email');
  const byEmail = methods.some((m) => m.method === 'email');
  return html`${byPhone ? phoneProofSender(csrf, next, sent) : ''}${byEmail ? emailProofSender(csrf, next, sent) : ''}`;
}

function postButton(action: string, csrf: string, label: string, kind = 'secondary'): Html {
  return html`<form method="post" action="${action}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="${kind} small">${label}</button></form>`;
}

/** The kind of a method, by the name every page uses, with the factor's detail when it has one. */
function kindOf(f: FactorEntry): string {
  const name = factorName(f.type);
  const detail = factorById(f.type)?.describe.kind(f) ?? '';
  return !detail || detail.toLowerCase() === name.toLowerCase() ? name : `${name}: ${detail}`;
}

/** Change in place (a phone number), or rename (an app, a passkey), as the factor allows. */
function editControl(f: FactorEntry, csrf: string): Html {
  const factor = factorById(f.type);
  if (factor?.describe.change)
    return html`<a class="button secondary small" href="${factor.describe.change.path(f.id)}">${factor.describe.change.label}</a>`;
  return factor?.rename ? renameForm(f, csrf) : html``;
}

/** A rename form for one method. */
function renameForm(entry: FactorEntry, csrf: string): Html {
  return html`<details class="inline"><summary>Rename</summary>
    <form method="post" action="/profile/security/factors/${entry.id}/rename" class="inline">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label for="rename-${entry.id}" class="sr-only">New name for ${entry.label}</label>
      <input id="rename-${entry.id}" name="label" type="text" maxlength="${PASSKEY.labelMaxLength}" required value="${entry.label}">
      <button type="submit" class="secondary small">Save</button>
    </form></details>`;
}

/** The ways to add a factor: the first as the main button while the person has none, else all secondary. */
function setupLinks(hasFactor: boolean, refused: readonly string[]): Html {
  // A factor every method of which an org of the person refuses is not offered.
  const offered = FACTORS.filter((f) => f.methods.some((m) => !refused.includes(m)));
  const setups = offered.flatMap((f) => (f.describe.setup ? [f.describe.setup] : []));
  return html`<p class="row-actions" id="add-method">${setups.map((s, i) => html`<a class="${i === 0 && !hasFactor ? 'button' : 'button secondary'}" href="${s.path}">${s.label}</a> `)}</p>`;
}

export function overviewView(
  data: Overview,
  devices: readonly TrustedDeviceView[],
  csrf: string,
  requiredBy: readonly string[],
  refused: readonly string[] = [],
): Html {
  return html`<h1>Security</h1>
<section class="card" aria-labelledby="twofa-title">
  <h2 id="twofa-title">Two-factor authentication <span class="badge ${data.twoFactorEnabled ? 'ok' : 'warn'}">${data.twoFactorEnabled ? 'On' : 'Off'}</span></h2>
  <p>${
    data.twoFactorEnabled
      ? 'When you sign in on a browser we do not recognise, we ask for a second step after your password.'
      : 'Protect your account with a second step after your password: a code from an authenticator app, or a passkey.'
  }</p>
  ${
    data.factors.length > 0
      ? html`<div class="table-scroll" role="region" aria-label="Your sign-in methods" tabindex="0"><table>
    <caption class="sr-only">Your sign-in methods</caption>
    <thead><tr><th scope="col">Method</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${data.factors.map(
      (f) => html`<tr>
      <td>${f.label} ${kindOf(f).toLowerCase() === f.label.toLowerCase() ? '' : html`<span class="muted">(${kindOf(f)})</span>`} ${f.isDefault ? html`<span class="badge">Default</span>` : ''}${f.methods.length > 0 && f.methods.every((m) => refused.includes(m)) ? html` <span class="badge warn">not accepted by your organization</span>` : ''}</td>
      <td class="nowrap">${day(f.createdAt)}</td><td class="nowrap">${day(f.lastUsedAt)}</td>
      <td>${f.isDefault ? '' : postButton(`/profile/security/factors/${f.id}/default`, csrf, 'Make default')}
        <a class="button danger small" href="/profile/security/factors/${f.id}/remove" aria-label="Remove ${f.label}">Remove</a>
        ${editControl(f, csrf)}</td>
    </tr>`,
    )}</tbody>
  </table></div>`
      : ''
  }
  ${setupLinks(data.factors.length > 0, refused)}
</section>
${
  data.twoFactorEnabled
    ? html`<section class="card" aria-labelledby="backup-title">
  <h2 id="backup-title">Backup codes</h2>
  <p>${data.backupCodesLeft} of 10 backup codes left. Each one works once, if you can't use your other methods.</p>
  ${data.backupCodesLow ? html`<div class="notice notice-error" role="alert">You are running low on backup codes. Generate a new set and keep it somewhere safe.</div>` : ''}
  ${postButton('/profile/security/backup-codes', csrf, 'Generate new backup codes')}
  <p class="hint">Generating a new set makes all old codes stop working.</p>
</section>
<section class="card" aria-labelledby="devices-title">
  <h2 id="devices-title">Trusted browsers</h2>
  ${
    devices.length === 0
      ? html`<p class="muted">No trusted browsers. Tick "Trust this device" when you sign in to skip the code on a browser you use often.</p>`
      : html`<div class="table-scroll" role="region" aria-label="Browsers that skip the second step" tabindex="0"><table>
    <caption class="sr-only">Browsers that skip the second step</caption>
    <thead><tr><th scope="col">Browser</th><th scope="col">IP address</th><th scope="col">Last used</th><th scope="col">Trusted until</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${devices.map(
      (
        d,
      ) => html`<tr><td>${d.browser}${d.current ? html` <span class="badge ok">This browser</span>` : ''}</td><td class="nowrap">${d.ip}</td><td class="nowrap">${day(d.lastUsedAt)}</td><td class="nowrap">${day(d.expiresAt)}</td>
      <td>${postButton(`/profile/security/devices/${d.id}/revoke`, csrf, 'Revoke', 'danger')}</td></tr>`,
    )}</tbody>
  </table></div>`
  }
</section>
<section class="card" aria-labelledby="disable-title">
  <h2 id="disable-title">Turn off two-factor authentication</h2>
  ${
    requiredBy.length > 0
      ? html`<p>${requiredByOrgMessage(requiredBy, 'user')}</p>`
      : html`<p>This removes all your methods, backup codes and trusted browsers. You will be asked for your password and a current code.</p>
  <p><a class="button danger" href="/profile/security/disable">Turn off two-factor authentication…</a></p>`
  }
</section>`
    : ''
}
<p><a href="/profile">Back to your profile</a></p>`;
}

/** "Turn off two-factor authentication": the confirmation form (password and a current code). */
export function turnOffView(data: Overview, csrf: string, error: string | null, sent: string | null): Html {
  return html`<section class="card narrow" aria-labelledby="disable-title">
  <h1 id="disable-title">Turn off two-factor authentication</h1>
  ${notice('error', error)}
  <p>All your methods, backup codes and trusted browsers will be removed, and signing in will only need your
  password. Enter your password and a current code to confirm.</p>
  ${phoneProofFor(data, csrf, '/profile/security/disable', sent)}
  <form method="post" action="/profile/security/disable">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="disable-password">Password</label>
    <input id="disable-password" name="password" type="password" autocomplete="current-password" required>
    ${factorCodeFields(data)}
    <p class="row-actions"><button type="submit" class="danger">Turn off two-factor authentication</button>
    <a class="button secondary" href="/profile/security">Cancel</a></p>
  </form>
  <p class="hint"><a href="/forgot-password">Forgot your password?</a></p>
</section>`;
}

/** "Remove …?": what will happen, then Remove or Cancel (refused up front when an org requires 2FA). */
export function removeFactorView(removal: FactorRemoval, csrf: string): Html {
  const kind = removal.factor.kind;
  const name =
    kind.toLowerCase() === removal.factor.label.toLowerCase()
      ? removal.factor.label
      : `${removal.factor.label} (${kind})`;
  const blocked = removal.last && removal.requiredBy.length > 0;
  return html`<section class="card narrow" aria-labelledby="remove-title">
  <h1 id="remove-title">Remove ${name}?</h1>
  ${
    blocked
      ? html`<div class="notice notice-info" role="status">${requiredByOrgMessage(removal.requiredBy, 'last_factor_removed')}</div>
  <p class="row-actions"><a class="button" href="/profile/security">Back to Security</a></p>`
      : html`${
          removal.last
            ? html`<p><strong>This is your last sign-in method, so two-factor authentication turns off.</strong> Your backup codes and trusted browsers stop working, and signing in will only need your password.</p>`
            : html`<p>You will no longer be able to sign in or confirm with it. Your other methods keep working.</p>`
        }
  <form method="post" action="/profile/security/factors/${removal.factor.id}/remove">
    <input type="hidden" name="_csrf" value="${csrf}">
    <p class="row-actions"><button type="submit" class="danger">${removal.last ? 'Remove and turn off 2FA' : 'Remove'}</button>
    <a class="button secondary" href="/profile/security">Cancel</a></p>
  </form>`
  }
</section>`;
}

/** Backup codes, shown once: download (.txt), print and copy; the list itself works without JavaScript. */
export function backupCodesView(
  codes: readonly string[],
  productName: string,
  email: string,
  justEnabled: boolean,
  doneHref = '/profile/security?done=totp_added',
): Html {
  const text = `${productName} backup codes for ${email}\nEach code works once.\n\n${codes.join('\n')}\n`;
  return html`<section class="card" aria-labelledby="codes-title">
  <h1 id="codes-title">${justEnabled ? 'Two-factor authentication is on — save your backup codes' : 'Your new backup codes'}</h1>
  <div class="notice notice-info" role="status">Save these codes now: this is the only time we show them. Each code works once, when you can't use your authenticator app.${justEnabled ? '' : ' Your old codes no longer work.'}</div>
  <ul class="codes" id="backup-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
  <p class="row-actions">
    <a class="button secondary" download="${productName}-backup-codes.txt" href="data:text/plain;charset=utf-8,${encodeURIComponent(text)}">Download .txt</a>
    <button type="button" class="secondary" data-action="print" hidden>Print</button>
    <button type="button" class="secondary" data-action="copy" data-copy="${codes.join('\n')}" hidden>Copy</button>
  </p>
  <p><a class="button" href="${justEnabled ? doneHref : '/profile/security'}">I have saved my codes</a></p>
</section>`;
}

/** "Your organization requires two-factor authentication — N days left" (or: now). */
export function requirementBanner(requirement: RequirementSummary): Html {
  if (!requirement.deadline) return html``;
  const orgs = requirement.orgs.join(', ');
  if (requirement.overdue) {
    return html`<div class="notice notice-error" role="alert"><strong>${orgs} requires two-factor authentication.</strong> Set it up now to continue: until then, only this page is available.</div>`;
  }
  const days = requirement.daysLeft ?? 0;
  return html`<div class="notice notice-info" role="status"><strong>Your organization requires two-factor authentication — ${days} day${days === 1 ? '' : 's'} left.</strong> ${orgs} asks everyone in your role to turn it on by ${requirement.deadline.slice(0, 10)}. <a href="/profile/security/totp">Set up now</a></div>`;
}
