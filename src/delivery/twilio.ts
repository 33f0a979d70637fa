/**
 * Twilio: SMS through the Messages API, calls through the Calls API with inline TwiML
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource,
 * https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource). Both are
 * `POST {base}/2010-04-01/Accounts/{AccountSid}/{Messages|Calls}.json`, form-encoded, HTTP basic auth
 * with the account SID and auth token; a created resource answers 201 with JSON carrying its `sid`.
 */
import { DeliveryError, postWithTimeout, type PhoneMessage, type PhoneProvider } from './port.ts';

export interface TwilioSettings {
  readonly accountSid: string;
  readonly authToken: string;
  /** Sender: an E.164 number, or a Messaging Service SID (MG…) for SMS. */
  readonly from: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/** The voice's language for a call not in English (Twilio's default voice speaks English). */
const VOICE_LANGUAGES: Readonly<Record<string, string>> = { es: 'es-MX' };

/** The call script: the digits read twice, slowly (one per comma), with a pause between; a notice, twice. */
export function twiml(message: PhoneMessage): string {
  const { intro, digits, again } = message.speech;
  const voice = message.locale ? VOICE_LANGUAGES[message.locale] : undefined;
  const say = voice ? `<Say language="${voice}">` : '<Say>';
  if (message.code === null)
    return `<Response>${say}${xml(intro)}</Say><Pause length="1"/>${say}${xml(intro)}</Say></Response>`;
  return `<Response>${say}${xml(`${intro} ${digits}.`)}</Say><Pause length="1"/>${say}${xml(`${again} ${digits}.`)}</Say></Response>`;
}

export function twilioProvider(settings: TwilioSettings): PhoneProvider {
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`, 'utf8').toString('base64')}`;
  const account = `${settings.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}`;
  return {
    name: 'twilio',
    async send(message) {
      const form = new URLSearchParams({ To: message.to });
      if (message.channel === 'sms') {
        form.set(settings.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', settings.from);
        form.set('Body', message.text);
      } else {
        form.set('From', settings.from);
        form.set('Twiml', twiml(message));
      }
      const url = `${account}/${message.channel === 'sms' ? 'Messages' : 'Calls'}.json`;
      const response = await postWithTimeout(
        url,
        {
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
        },
        settings.timeoutMs,
      );
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new DeliveryError('unexpected', response.status);
      }
      if (typeof (body as { sid?: unknown } | null)?.sid !== 'string')
        throw new DeliveryError('unexpected', response.status);
    },
  };
}
