/**
 * Micro-benchmark: our totp()/findTotpStep() against the `otpauth` npm package, if it happens to be
 * installed (it is not a dependency). Run: node --import tsx bench/otp-micro.ts
 */
import { base32Encode } from '../src/core/base32.ts';
import { TOTP_DEFAULTS, TOTP_SECRET_BYTES, findTotpStep, totp } from '../src/core/otp.ts';
import { randomBytes } from '../src/crypto/index.ts';

const ITERATIONS = 100_000;
const WARMUP_ITERATIONS = 10_000;
const BASE_UNIX_SECONDS = 1_700_000_000;

function opsPerSecond(label: string, run: (i: number) => unknown): void {
  for (let i = 0; i < WARMUP_ITERATIONS; i++) run(i);
  const startNs = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run(i);
  const elapsedSeconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  console.log(`${label.padEnd(40)} ${Math.round(ITERATIONS / elapsedSeconds).toLocaleString('en-US')} ops/s`);
}

const key = randomBytes(TOTP_SECRET_BYTES);
const verifyOptions = { ...TOTP_DEFAULTS, windowSteps: 1 };

opsPerSecond('twofold totp() generate', (i) => totp(key, BASE_UNIX_SECONDS + i, TOTP_DEFAULTS));
opsPerSecond('twofold findTotpStep() verify ±1', (i) => {
  const unixSeconds = BASE_UNIX_SECONDS + i;
  return findTotpStep(key, totp(key, unixSeconds, TOTP_DEFAULTS), unixSeconds, verifyOptions);
});

// A variable specifier keeps tsc from requiring the optional package's types.
const optionalPackage = 'otpauth';
let otpauth: any = null;
try {
  otpauth = await import(optionalPackage);
} catch {
  console.log('otpauth not installed in node_modules: comparison skipped');
}

if (otpauth !== null) {
  const other = new otpauth.TOTP({
    secret: otpauth.Secret.fromBase32(base32Encode(key)),
    algorithm: 'SHA1',
    digits: TOTP_DEFAULTS.digits,
    period: TOTP_DEFAULTS.periodSeconds,
  });
  opsPerSecond('otpauth TOTP.generate', (i) => other.generate({ timestamp: (BASE_UNIX_SECONDS + i) * 1000 }));
  opsPerSecond('otpauth TOTP.validate ±1', (i) => {
    const timestamp = (BASE_UNIX_SECONDS + i) * 1000;
    return other.validate({ token: other.generate({ timestamp }), timestamp, window: 1 });
  });
}
