/**
 * The phone-message port: one `send` per code or notice, implemented by the outbox (dev), Twilio and a
 * signed webhook. A provider either takes the message or throws a DeliveryError naming the class of failure —
 * never the code, the number or the provider's answer, which may echo them.
 */

export type PhoneChannel = 'sms' | 'voice';

export interface PhoneMessage {
  /** E.164. */
  readonly to: string;
  readonly channel: PhoneChannel;
  /** The one-time code it carries; null for a notice (account recovery), which carries none. */
  readonly code: string | null;
  /** The text message, or for a call the whole script as text (outbox, webhook). */
  readonly text: string;
  /** For a call: said once, then said again after a pause. */
  readonly speech: { readonly intro: string; readonly digits: string; readonly again: string };
  /** The language it is written in (src/i18n), for the voice that reads a call; absent: English. */
  readonly locale?: string;
}

export interface PhoneProvider {
  readonly name: 'outbox' | 'twilio' | 'webhook';
  /** Resolves once the provider accepted the message; throws DeliveryError otherwise. */
  send(message: PhoneMessage): Promise<void>;
}

/**
 * network: no answer (refused, reset, DNS, timeout); rejected: the provider refused this message (4xx);
 * unexpected: the provider failed or answered something we do not understand (5xx, 3xx, bad body).
 */
export type DeliveryFailure = 'network' | 'rejected' | 'unexpected';

export class DeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    readonly status: number | null = null,
  ) {
    super(`phone delivery failed: ${failure}${status === null ? '' : ` (HTTP ${status})`}`);
    this.name = 'DeliveryError';
  }
}

/** Maps an HTTP status of a provider's answer to its failure class (null: accepted). */
export function failureOfStatus(status: number): DeliveryFailure | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 400 && status < 500) return 'rejected';
  return 'unexpected';
}

/**
 * POSTs to a provider with a timeout (AbortSignal.timeout) and without following redirects; a request
 * that never got an answer is a 'network' failure. The caller reads the body only on success.
 */
export async function postWithTimeout(
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new DeliveryError('network');
  }
  const failure = failureOfStatus(response.status);
  if (failure) {
    await response.body?.cancel().catch(() => {});
    throw new DeliveryError(failure, response.status);
  }
  return response;
}
