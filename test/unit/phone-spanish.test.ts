/** Codes and recovery notices by phone in the person's saved language: the text, and the voice of a call. */
import { describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import { twiml } from '../../src/delivery/twilio.ts';
import { composeMessage, composeNotice } from '../../src/factors/phone/delivery.ts';
import { english, translator } from '../../src/i18n/index.ts';
import { noticeText } from '../../src/recovery/notify.ts';

const ctx = { config: { productName: 'twofold', publicUrl: 'https://auth.example' } } as unknown as Ctx;
const es = translator('es', 'America/Mexico_City');

describe('phone messages in Spanish', () => {
  it('a texted code is in Spanish and keeps the origin-bound last line', () => {
    const message = composeMessage(ctx, es, '+12015550123', 'sms', '123456');
    expect(message.text).toBe(
      '123456 es tu código de verificación de twofold. Vence en 5 minutos. No lo compartas con nadie.\n\n@auth.example #123456',
    );
    expect(message.locale).toBe('es');
  });

  it('a call is read by a Spanish voice; English stays as it was', () => {
    const call = twiml(composeMessage(ctx, es, '+12015550123', 'voice', '123456'));
    expect(call).toBe(
      '<Response><Say language="es-MX">Tu código de verificación de twofold es 1, 2, 3, 4, 5, 6.</Say><Pause length="1"/><Say language="es-MX">De nuevo, tu código es 1, 2, 3, 4, 5, 6.</Say></Response>',
    );
    const englishCall = composeMessage(ctx, english, '+12015550123', 'voice', '123456');
    expect(englishCall.locale).toBeUndefined();
    expect(twiml(englishCall)).toBe(
      '<Response><Say>Your twofold verification code is 1, 2, 3, 4, 5, 6.</Say><Pause length="1"/><Say>Again, your code is 1, 2, 3, 4, 5, 6.</Say></Response>',
    );
    expect(composeMessage(ctx, english, '+12015550123', 'sms', '123456').text).toBe(
      "123456 is your twofold verification code. It expires in 5 minutes. Don't share it with anyone.\n\n@auth.example #123456",
    );
  });

  it('a recovery notice names the time in the saved time zone', () => {
    const started = {
      kind: 'started',
      completesAt: '2026-11-25T12:00:00.000Z',
      cancelUrl: 'https://auth.example/recovery/cancel?token=abc',
    } as const;
    const text = noticeText('twofold', 'sms', started, es);
    expect(text).toBe(
      'twofold: alguien inició la recuperación de tu cuenta. Si no se cancela, sus métodos de verificación en dos pasos se eliminan el 25 nov 2026, 06:00 GMT-6. ¿No fuiste tú? Cancélala: https://auth.example/recovery/cancel?token=abc',
    );
    expect(twiml(composeNotice('+12015550123', 'voice', noticeText('twofold', 'voice', started, es), es))).toContain(
      '<Say language="es-MX">Te habla twofold.',
    );
    expect(noticeText('twofold', 'sms', started)).toContain('2026-11-25 12:00 UTC');
  });
});
