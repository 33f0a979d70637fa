/** Markup of the email factor: turn on email codes, enter the code, and the challenge page's email state. */
import { html, type Html } from '../../core/html.ts';
import { EMAIL_CODE } from '../../config/defaults.ts';
import { notice } from '../../pages/layout.ts';
import { csrfInput } from '../../pages/ui.ts';

/** What the page knows about the code sent: where to (masked) and how long before another may be asked. */
export interface EmailCodeState {
  readonly sentTo: string | null;
  readonly cooldownSeconds: number;
}

export function emailSetupView(p: { csrf: string; address: string; error: string | null }): Html {
  return html`<section class="card narrow" aria-labelledby="email-setup-title">
  <h1 id="email-setup-title">Turn on email codes</h1>
  ${notice('error', p.error)}
  <p>When you sign in on a browser we do not recognise, we can email an ${EMAIL_CODE.digits}-digit code to <strong>${p.address}</strong>. It works once, for ${EMAIL_CODE.codeSeconds / 60} minutes.</p>
  <p class="hint">Anyone who can read this mailbox can get these codes: an authenticator app or a passkey is safer.</p>
  <form method="post" action="/profile/security/email">
    ${csrfInput(p.csrf)}
    <button type="submit">Send a code</button>
    <a class="button secondary" href="/profile/security">Cancel</a>
  </form>
</section>`;
}

/** On a re-authentication or "turn off" form: get a code by email first (a form of its own). */
export function emailProofSender(csrf: string, next: string, sent: string | null): Html {
  return html`<form method="post" action="/profile/security/email/send-proof" class="resend">
    ${csrfInput(csrf)}
    <input type="hidden" name="next" value="${next}">
    ${sent === 'email' ? notice('success', 'We emailed you a code. Choose "Code by email" below and enter it.') : ''}
    <p class="row-actions"><button type="submit" class="secondary">Email me a code</button></p>
  </form>`;
}

/** "We sent an 8-digit code to a•••@example.com." (or nothing live: ask for one). */
export function emailSentPrompt(state: EmailCodeState): Html {
  return state.sentTo
    ? html`<p role="status">We sent an ${EMAIL_CODE.digits}-digit code to <strong>${state.sentTo}</strong>. It expires in ${EMAIL_CODE.codeSeconds / 60} minutes.</p>`
    : html`<p>Ask for a code: we email it to the address of your account.</p>`;
}

/** "Send a new code", disabled while the cooldown runs. */
export function emailResendForm(p: {
  csrf: string;
  action: string;
  state: EmailCodeState;
  hidden?: Record<string, string>;
}): Html {
  const wait = p.state.cooldownSeconds;
  return html`<form method="post" action="${p.action}" class="resend">
    ${csrfInput(p.csrf)}
    <input type="hidden" name="channel" value="email">
    ${Object.entries(p.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <button type="submit" class="secondary" ${wait > 0 ? html`disabled aria-describedby="email-wait"` : ''}>Send a new code</button>
    ${wait > 0 ? html`<span id="email-wait" class="hint">You can ask for a new code in ${wait} seconds (reload the page).</span>` : ''}
  </form>`;
}

export function emailCodeView(p: {
  csrf: string;
  enrollmentId: string;
  state: EmailCodeState;
  error: string | null;
}): Html {
  return html`<section class="card narrow" aria-labelledby="email-code-title">
  <h1 id="email-code-title">Enter the code</h1>
  ${notice('error', p.error)}
  ${emailSentPrompt(p.state)}
  <form method="post" action="/profile/security/email/verify">
    ${csrfInput(p.csrf)}
    <input type="hidden" name="enrollmentId" value="${p.enrollmentId}">
    <label for="email-code">Code from the email</label>
    <input id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="12" required autofocus>
    <button type="submit">Turn on email codes</button>
    <a class="button secondary" href="/profile/security">Cancel</a>
  </form>
  ${emailResendForm({ csrf: p.csrf, action: '/profile/security/email/resend', state: p.state, hidden: { enrollmentId: p.enrollmentId } })}
</section>`;
}
