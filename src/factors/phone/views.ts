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
import type { MessageKey, T } from '../../i18n/index.ts';

export const PHONE_SCRIPT = '/static/phone-resend.js';

/** The buttons naming a channel: switching to it, and asking for the first code by it. */
export const CHANNEL_TEXT: Record<PhoneChannel, { switchTo: MessageKey; first: MessageKey; sent: MessageKey }> = {
  sms: { switchTo: 'security:phone.textMeInstead', first: 'security:phone.textMe', sent: 'security:phone.sentSms' },
  voice: {
    switchTo: 'security:phone.callMeInstead',
    first: 'security:phone.callMe',
    sent: 'security:phone.sentVoice',
  },
};

const other = (channel: PhoneChannel): PhoneChannel => (channel === 'sms' ? 'voice' : 'sms');

/** NIST SP 800-63B rev 4 §3.1.3.1: SMS and voice are restricted; a safer method is always offered. */
export function saferMethodNotice(t: T): Html {
  return html`<div class="notice notice-info" role="status">${t.html('security:phone.safer')}</div>`;
}

export function phoneSetupView(
  t: T,
  p: {
    csrf: string;
    countries: readonly CountryChoice[];
    replaces: { id: string; label: string } | null;
    error: string | null;
    values: { phone: string; country: string; channel: PhoneChannel };
  },
): Html {
  return html`<section class="card narrow" aria-labelledby="phone-title">
  <h1 id="phone-title">${p.replaces ? t('security:phone.changeTitle') : t('security:phone.addTitle')}</h1>
  ${notice('error', p.error)}
  ${saferMethodNotice(t)}
  ${p.replaces ? html`<p>${t('security:phone.replaces', { label: p.replaces.label })}</p>` : ''}
  <form method="post" action="/profile/security/phone">
    ${csrfInput(p.csrf)}
    ${p.replaces ? html`<input type="hidden" name="replacesFactorId" value="${p.replaces.id}">` : ''}
    <label for="phone-country">${t('security:phone.country')}</label>
    <select id="phone-country" name="country">
      <option value="">${t('security:phone.otherCountry')}</option>
      ${p.countries.map((c) => html`<option value="${c.code}" ${c.code === p.values.country ? 'selected' : ''}>${c.name} (+${c.callingCode})</option>`)}
    </select>
    <label for="phone-number">${t('security:phone.number')}</label>
    <input id="phone-number" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="40" required value="${p.values.phone}" placeholder="${t('security:phone.numberPlaceholder')}" aria-describedby="phone-hint">
    <p class="hint" id="phone-hint">${t('security:phone.numberHint')}</p>
    <fieldset>
      <legend>${t('security:phone.how')}</legend>
      <label class="checkbox"><input type="radio" name="channel" value="sms" ${p.values.channel === 'sms' ? 'checked' : ''}> ${t('security:phone.sms')}</label>
      <label class="checkbox"><input type="radio" name="channel" value="voice" ${p.values.channel === 'voice' ? 'checked' : ''}> ${t('security:phone.voice')}</label>
    </fieldset>
    <button type="submit">${t('security:phone.send')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a>
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
export function sentPrompt(t: T, state: PhoneCodeState, digits: number): Html {
  if (!state.sentTo) return html`<p>${t('security:phone.chooseBelow')}</p>`;
  const values = { digits, to: state.sentTo, minutes: PHONE.codeSeconds / 60 };
  return html`<p>${t.html(state.channel === 'sms' ? 'security:phone.texted' : 'security:phone.calling', values)}</p>`;
}

/** Resend / switch channel, as one form whose buttons name the channel; the countdown is in the text. */
export function resendForm(
  t: T,
  p: {
    csrf: string;
    action: string;
    state: PhoneCodeState;
    hidden?: Record<string, string>;
  },
): Html {
  const { state } = p;
  const wait = state.cooldownSeconds;
  return html`<form method="post" action="${p.action}" class="resend" data-resend-cooldown="${wait}">
    ${csrfInput(p.csrf)}
    ${Object.entries(p.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <p class="hint" data-resend-wait ${wait > 0 ? '' : 'hidden'}>${t.html('security:phone.wait', { seconds: wait })}</p>
    <p class="row-actions">
      <button type="submit" class="secondary" name="channel" value="${state.channel}">${state.sentTo ? t('security:phone.resend') : t(CHANNEL_TEXT[state.channel].first)}</button>
      <button type="submit" class="secondary" name="channel" value="${other(state.channel)}">${t(CHANNEL_TEXT[other(state.channel)].switchTo)}</button>
    </p>
  </form>`;
}

export function phoneCodeView(
  t: T,
  p: {
    csrf: string;
    enrollmentId: string;
    e164Masked: string;
    state: PhoneCodeState;
    digits: number;
    error: string | null;
    sentNotice: string | null;
  },
): Html {
  return html`<section class="card narrow" aria-labelledby="phone-code-title">
  <h1 id="phone-code-title">${t('security:phone.enterCode')}</h1>
  ${notice('error', p.error)}
  ${notice('success', p.sentNotice)}
  ${sentPrompt(t, p.state.sentTo ? p.state : { ...p.state, sentTo: null }, p.digits)}
  <form method="post" action="/profile/security/phone/verify">
    ${csrfInput(p.csrf)}
    <input type="hidden" name="enrollmentId" value="${p.enrollmentId}">
    <label for="phone-code">${t('security:phone.codeSentTo', { to: p.e164Masked })}</label>
    <input id="phone-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="12" required autofocus>
    <button type="submit">${t('security:phone.verify')}</button>
    <a class="button secondary" href="/profile/security">${t('common:actions.cancel')}</a>
  </form>
  ${resendForm(t, { csrf: p.csrf, action: '/profile/security/phone/resend', state: p.state, hidden: { enrollmentId: p.enrollmentId } })}
  <p class="hint">${t.html('security:phone.wrongNumber')}</p>
</section>`;
}

/** On a re-authentication or "turn off" form: get a code by text or call first (a form of its own). */
export function phoneProofSender(t: T, csrf: string, next: string, sent: string | null): Html {
  return html`<form method="post" action="/profile/security/phone/send-proof" class="resend">
    ${csrfInput(csrf)}
    <input type="hidden" name="next" value="${next}">
    ${sent === 'sms' || sent === 'voice' ? notice('success', t(CHANNEL_TEXT[sent].sent)) : ''}
    <p class="row-actions"><button type="submit" class="secondary" name="channel" value="sms">${t('security:phone.textMe')}</button>
      <button type="submit" class="secondary" name="channel" value="voice">${t('security:phone.callMe')}</button></p>
  </form>`;
}
