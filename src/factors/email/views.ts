/** Markup of the email factor: turn on email codes, enter the code, and the challenge page's email state. */
import { html, type Html } from '../../core/html.ts';
import { EMAIL_CODE } from '../../config/defaults.ts';
import { notice } from '../../pages/layout.ts';
import { csrfInput } from '../../pages/ui.ts';
import type { T } from '../../i18n/index.ts';

/** What the page knows about the code sent: where to (masked) and how long before another may be asked. */
export interface EmailCodeState {
  readonly sentTo: string | null;
  readonly cooldownSeconds: number;
}

export function emailSetupView(t: T, p: { csrf: string; address: string; error: string | null }): Html {
  return html`<section class="card narrow" aria-labelledby="email-setup-title">
  <h1 id="email-setup-title">${t('security:email.title')}</h1>
  ${notice('error', p.error)}
  <p>${t.html('security:email.intro', { digits: EMAIL_CODE.digits, address: p.address, minutes: EMAIL_CODE.codeSeconds / 60 })}</p>
  <p class="hint">${t('security:email.hint')}</p>
  <form method="post" action="/profile/security/email">
    ${csrfInput(p.csrf)}
    <button type="submit">${t('security:email.send')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a>
  </form>
</section>`;
}

/** On a re-authentication or "turn off" form: get a code by email first (a form of its own). */
export function emailProofSender(t: T, csrf: string, next: string, sent: string | null): Html {
  return html`<form method="post" action="/profile/security/email/send-proof" class="resend">
    ${csrfInput(csrf)}
    <input type="hidden" name="next" value="${next}">
    ${sent === 'email' ? notice('success', t('security:email.sent')) : ''}
    <p class="row-actions"><button type="submit" class="secondary">${t('security:email.emailMe')}</button></p>
  </form>`;
}

/** "We sent an 8-digit code to a•••@example.com." (or nothing live: ask for one). */
export function emailSentPrompt(t: T, state: EmailCodeState): Html {
  return state.sentTo
    ? html`<p role="status">${t.html('security:email.sentTo', { digits: EMAIL_CODE.digits, to: state.sentTo, minutes: EMAIL_CODE.codeSeconds / 60 })}</p>`
    : html`<p>${t('security:email.ask')}</p>`;
}

/** "Send a new code", disabled while the cooldown runs. */
export function emailResendForm(
  t: T,
  p: {
    csrf: string;
    action: string;
    state: EmailCodeState;
    hidden?: Record<string, string>;
  },
): Html {
  const wait = p.state.cooldownSeconds;
  return html`<form method="post" action="${p.action}" class="resend">
    ${csrfInput(p.csrf)}
    <input type="hidden" name="channel" value="email">
    ${Object.entries(p.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <button type="submit" class="secondary" ${wait > 0 ? html`disabled aria-describedby="email-wait"` : ''}>${t('security:email.sendNew')}</button>
    ${wait > 0 ? html`<span id="email-wait" class="hint">${t('security:email.wait', { seconds: wait })}</span>` : ''}
  </form>`;
}

export function emailCodeView(
  t: T,
  p: {
    csrf: string;
    enrollmentId: string;
    state: EmailCodeState;
    error: string | null;
  },
): Html {
  return html`<section class="card narrow" aria-labelledby="email-code-title">
  <h1 id="email-code-title">${t('security:email.enterCode')}</h1>
  ${notice('error', p.error)}
  ${emailSentPrompt(t, p.state)}
  <form method="post" action="/profile/security/email/verify">
    ${csrfInput(p.csrf)}
    <input type="hidden" name="enrollmentId" value="${p.enrollmentId}">
    <label for="email-code">${t('security:email.code')}</label>
    <input id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="12" required autofocus>
    <button type="submit">${t('security:email.turnOn')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a>
  </form>
  ${emailResendForm(t, { csrf: p.csrf, action: '/profile/security/email/resend', state: p.state, hidden: { enrollmentId: p.enrollmentId } })}
</section>`;
}
