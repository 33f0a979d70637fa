/** A recovery notice through the phone port carries no code: a text as written, a call reading it twice. */
import { describe, expect, it } from 'vitest';
import { twiml } from '../../src/delivery/twilio.ts';
import { composeNotice } from '../../src/factors/phone/delivery.ts';
import { noticeText } from '../../src/recovery/notify.ts';

describe('recovery notices by phone', () => {
  const started = {
    kind: 'started',
    completesAt: '2026-11-25T12:00:00.000Z',
    cancelUrl: 'https://auth.example/recovery/cancel?token=abc',
  } as const;

  it('a text names the time and the cancel link, and has no code', () => {
    const message = composeNotice('+12015550123', 'sms', noticeText('Acme & Co', 'sms', started));
    expect(message.code).toBeNull();
    expect(message.text).toContain('2026-11-25 12:00 UTC');
    expect(message.text).toContain(started.cancelUrl);
    expect(message.text).not.toMatch(/\b\d{6,8}\b/);
  });

  it('a call reads the notice twice, escaped, without digits or a link', () => {
    const text = noticeText('Acme & Co', 'voice', started);
    expect(text).not.toContain('https://');
    const script = twiml(composeNotice('+12015550123', 'voice', text));
    const escaped = text.replace(/&/g, '&amp;');
    expect(script).toBe(`<Response><Say>${escaped}</Say><Pause length="1"/><Say>${escaped}</Say></Response>`);
    expect(noticeText('Acme', 'voice', { kind: 'completed' })).toContain('recovery of your account completed');
  });
});
