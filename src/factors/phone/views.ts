/**
 * Markup of the phone factor: "Add a phone number" (country picker + free entry, text or call, and the
 * notice that an app or a passkey is safer), the code page with "Didn't get it? Resend" / "Call me
 * instead" and a countdown (/static/phone-resend.js makes it tick; without it the server says how long).
 */
import type { PhoneChannel } from '../../db/schema.ts';
import type { CountryChoice } from './numbers.ts';
import { PHONE } from '../../config/defaults.ts';
import { html, type Html } from '../../core/html.ts';
import { notice } from '../../pages/layout.ts';
import { csrfInput } from '../../pages/ui.ts';

export const PHONE_SCRIPT = '/static/phone-resend.js';

export const CHANNEL_TEXT: Record<PhoneChannel, { by: string; switchTo: string; first: string }> = {
  sms: { by: 'by text message', switchTo: 'Text me instead', first: 'Text me a code' },
  voice: { by: 'by phone call', switchTo: 'Call me instead', first: 'Call me with a code' },
};

const other = (channel: PhoneChannel): PhoneChannel => (channel === 'sms' ? 'voice' : 'sms');

/** NIST SP 800-63B rev 4 §3.1.3.1: SMS and voice are restricted; a safer method is always offered. */
export function saferMethodNotice(): Html {
  return html`<div class="notice notice-info" role="status"><strong>An authenticator app or a passkey is safer than text messages and calls.</strong>
  Codes sent to a phone number can be intercepted or redirected (for example by someone who takes over your number).
  <a href="/profile/security/totp">Set up an authenticator app</a> or <a href="/profile/security/passkey">add a passkey</a> instead, or as well.</div>`;
}

export function phoneSetupView(p: {
  csrf: string;
  countries: readonly CountryChoice[];
  replaces: { id: string; label: string } | null;
  error: string | null;
  values: { phone: string; country: string; channel: PhoneChannel };
}): Html {
  return html`<section class="card narrow" aria-labelledby="phone-title">
  <h1 id="phone-title">${p.replaces ? 'Change your phone number' : 'Add a phone number'}</h1>
  ${notice('error', p.error)}
  ${saferMethodNotice()}
  ${p.replaces ? html`<p>Codes go to ${p.replaces.label} now. We send a code to the new number first; ${p.replaces.label} is removed once you enter it.</p>` : ''}
  <form method="post" action="/profile/security/phone">
    ${csrfInput(p.csrf)}
    ${p.replaces ? html`<input type="hidden" name="replacesFactorId" value="${p.replaces.id}">` : ''}
    <label for="phone-country">Country</label>
    <select id="phone-country" name="country">
      <option value="">Other — type the number with + and the country code</option>
      ${p.countries.map((c) => html`<option value="${c.code}" ${c.code === p.values.country ? 'selected' : ''}>${c.name} (+${c.callingCode})</option>`)}
    </select>
    <label for="phone-number">Phone number</label>
    <input id="phone-number" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="40" required value="${p.values.phone}" placeholder="e.g. 201 555 0123 or +44 20 7946 0958" aria-describedby="phone-hint">
    <p class="hint" id="phone-hint">Pick the country and type the number as you would dial it at home, or type it with + and the country code.</p>
    <fieldset>
      <legend>How should we send your codes?</legend>
      <label class="checkbox"><input type="radio" name="channel" value="sms" ${p.values.channel === 'sms' ? 'checked' : ''}> Text message (SMS)</label>
      <label class="checkbox"><input type="radio" name="channel" value="voice" ${p.values.channel === 'voice' ? 'checked' : ''}> Phone call (we read the code out)</label>
    </fieldset>
    <button type="submit">Send code</button>
    <a class="button secondary" href="/profile/security">Cancel</a>
  </form>
</section>`;
}

export interface PhoneCodeState {
  /** The live code's number and channel, if one is out. */
  readonly sentTo: string | null;
  readonly channel: PhoneChannel;
  readonly cooldownSeconds: number;
}

/** "We sent a code to …" (or how to get one when none is out). */
export function sentPrompt(state: PhoneCodeState, digits: number): Html {
  if (!state.sentTo) return html`<p>Choose how to get your code below.</p>`;
  return state.channel === 'sms'
    ? html`<p>We texted a ${digits}-digit code to <strong>${state.sentTo}</strong>. It expires in ${PHONE.codeSeconds / 60} minutes.</p>`
    : html`<p>We are calling <strong>${state.sentTo}</strong> and will read out a ${digits}-digit code twice. It expires in ${PHONE.codeSeconds / 60} minutes.</p>`;
}

/** Resend / switch channel, as one form whose buttons name the channel; the countdown is in the text. */
export function resendForm(p: {
  csrf: string;
  action: string;
  state: PhoneCodeState;
  hidden?: Record<string, string>;
}): Html {
  const { state } = p;
  const wait = state.cooldownSeconds;
  return html`<form method="post" action="${p.action}" class="resend" data-resend-cooldown="${wait}">
    ${csrfInput(p.csrf)}
    ${Object.entries(p.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <p class="hint" data-resend-wait ${wait > 0 ? '' : 'hidden'}>You can ask for a new code in <span data-resend-seconds>${wait}</span> seconds.</p>
    <p class="row-actions">
      <button type="submit" class="secondary" name="channel" value="${state.channel}">${state.sentTo ? "Didn't get it? Resend" : CHANNEL_TEXT[state.channel].first}</button>
      <button type="submit" class="secondary" name="channel" value="${other(state.channel)}">${CHANNEL_TEXT[other(state.channel)].switchTo}</button>
    </p>
  </form>`;
}

export function phoneCodeView(p: {
  csrf: string;
  enrollmentId: string;
  e164Masked: string;
  state: PhoneCodeState;
  digits: number;
  error: string | null;
  sentNotice: string | null;
}): Html {
  return html`<section class="card narrow" aria-labelledby="phone-code-title">
  <h1 id="phone-code-title">Enter the code</h1>
  ${notice('error', p.error)}
  ${notice('success', p.sentNotice)}
  ${sentPrompt(p.state.sentTo ? p.state : { ...p.state, sentTo: null }, p.digits)}
  <form method="post" action="/profile/security/phone/verify">
    ${csrfInput(p.csrf)}
    <input type="hidden" name="enrollmentId" value="${p.enrollmentId}">
    <label for="phone-code">Code sent to ${p.e164Masked}</label>
    <input id="phone-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="12" required autofocus>
    <button type="submit">Verify number</button>
    <a class="button secondary" href="/profile/security">Cancel</a>
  </form>
  ${resendForm({ csrf: p.csrf, action: '/profile/security/phone/resend', state: p.state, hidden: { enrollmentId: p.enrollmentId } })}
  <p class="hint">Wrong number? <a href="/profile/security/phone">Start again with another number</a>.</p>
</section>`;
}

/** On a re-authentication or "turn off" form: get a code by text or call first (a form of its own). */
export function phoneProofSender(csrf: string, next: string, sent: string | null): Html {
  return html`<form method="post" action="/profile/security/phone/send-proof" class="resend">
    ${csrfInput(csrf)}
    <input type="hidden" name="next" value="${next}">
    ${sent === 'sms' || sent === 'voice' ? notice('success', `We sent a code ${CHANNEL_TEXT[sent].by}. Choose "${sent === 'sms' ? 'Code by text message' : 'Code by phone call'}" below and enter it.`) : ''}
    <p class="row-actions"><button type="submit" class="secondary" name="channel" value="sms">Text me a code</button>
      <button type="submit" class="secondary" name="channel" value="voice">Call me with a code</button></p>
  </form>`;
}
