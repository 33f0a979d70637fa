/**
 * Every default twofold uses, in one place. Each value carries its source.
 * A deployment overrides the process settings through environment variables (see ./index.ts);
 * the product limits below are fixed or bounded here and applied by the core.
 */

export const MINUTE_SECONDS = 60;
export const HOUR_SECONDS = 60 * MINUTE_SECONDS;
export const DAY_SECONDS = 24 * HOUR_SECONDS;

export const DEFAULTS = Object.freeze({
  /** Process settings (docs/api.md "Process"). */
  port: 3000,
  host: '127.0.0.1',
  databaseUrl: 'sqlite:./data/twofold.db',
  dataDir: './data',
  /** Product name used as the fallback TOTP issuer and in emails. */
  productName: 'twofold',
  mailFrom: 'twofold <no-reply@localhost>',
  /** Number of trusted proxy hops: 0 = X-Forwarded-For is ignored. */
  trustProxy: false as boolean | string,
  /** Prefix of every Redis key twofold writes (REDIS_PREFIX), so deployments can share one Redis. */
  redisPrefix: 'twofold:',
});

/**
 * Redis (optional, REDIS_URL): request-rate limits shared by every instance. Commands fail fast instead of
 * queueing while Redis is away, so the database limiter can take over at once (docs/deployment.md).
 */
export const REDIS = Object.freeze({
  connectTimeoutMs: 2000,
  /** A hit is one round trip; anything slower is treated as Redis being down for this request. */
  commandTimeoutMs: 500,
  /** Reconnect delay: 200 ms more per attempt, at most 2 s. */
  reconnectStepMs: 200,
  maxReconnectDelayMs: 2000,
});

/**
 * Database time limits. A network partition seldom closes connections: packets simply stop, and a query then
 * waits until TCP gives up (about 15 minutes on Linux, tcp(7) tcp_retries2). With these limits a request that
 * needs the database answers 503 `unavailable` within seconds instead (docs/deployment.md), and the pool
 * replaces the connections that went silent. Request queries are index look-ups of milliseconds; migrations
 * run without the PostgreSQL limits (they may wait for a lock or build an index), see src/db/connect.ts.
 */
export const DATABASE = Object.freeze({
  /** Opening a PostgreSQL connection (TCP, TLS, authentication: a few round trips); slower means unreachable. */
  connectTimeoutMs: 5000,
  /**
   * PostgreSQL `statement_timeout` (docs: "Client Connection Defaults"): the server cancels a statement that
   * runs, or waits for a lock, longer (SQLSTATE 57014); the connection stays usable.
   */
  statementTimeoutMs: 4000,
  /**
   * node-postgres `query_timeout`: no answer at all this long means the connection went silent; it is dropped.
   * One second above the statement timeout, so a server that is alive but slow cancels first.
   */
  queryTimeoutMs: 5000,
  /**
   * PostgreSQL `idle_in_transaction_session_timeout`: the server ends a session left inside a transaction by a
   * vanished instance, so its row locks do not block the others for the hours the server's TCP keep-alive
   * takes (2 h on Linux). Our transactions run a few statements back to back.
   */
  idleInTransactionTimeoutMs: 10_000,
  /**
   * TCP keep-alive after this much silence (node-postgres `keepAlive`): the kernel notices a vanished peer on
   * connections without a query timeout (migrations), and firewalls and NAT keep a quiet connection.
   */
  keepAliveInitialDelayMs: 10_000,
  /** /readyz waits this long for `select 1`: below the 1 s a Kubernetes probe waits by default (timeoutSeconds). */
  readinessTimeoutMs: 800,
  /**
   * PostgreSQL: how many distinct SQL texts run as named prepared statements (src/db/connect.ts). The app has
   * a few hundred; texts beyond this (none expected) run unnamed, so each connection's plans stay bounded.
   */
  namedStatements: 2000,
  /**
   * PostgreSQL connections per instance (DATABASE_POOL_SIZE, 1–100). 10 by default: on the 2-core bench machine
   * 5, 10 and 20 gave the same session-check and verify rates (bench/RESULTS.md), so the default stays small
   * enough for many instances under PostgreSQL's default max_connections of 100.
   */
  poolSize: 10,
  maxPoolSize: 100,
  /** SQLite `busy_timeout`: how long a write waits for another writer's lock before SQLITE_BUSY (503). */
  sqliteBusyTimeoutMs: 5000,
});

/** /metrics (METRICS_TOKEN): a bearer token of at least 32 characters, e.g. `openssl rand -hex 32`. */
export const METRICS = Object.freeze({
  minTokenLength: 32,
  maxTokenLength: 256,
  /** Wrong tokens per client IP before 429, like unknown API keys (docs/security.md: every bearer secret is throttled). */
  failuresPerIp: Object.freeze({ limit: 20, windowSeconds: MINUTE_SECONDS }),
});

/** Passwords — NIST SP 800-63B rev 3 §5.1.1.2 / rev 4 §3.1.1.2, ASVS 4.0.3 2.1.1–2.1.3 (docs/product.md). */
export const PASSWORD = Object.freeze({
  minLength: 12,
  maxLength: 256,
  /** argon2id, OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1. */
  argon2: Object.freeze({ memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 }),
  /**
   * Password checks waiting for a hashing slot before a new one is turned away with 429 and Retry-After:
   * at ~15 ms a hash on one slot, 64 waiting is about a second of queue. Past that, holding the socket only
   * adds latency for everyone (and memory); the client retries in a second instead.
   */
  maxWaitingHashes: 64,
});

/** Sessions — docs/product.md "Passwords and sessions", ASVS 4.0.3 §3.3. */
export const SESSION = Object.freeze({
  /** ≥ 128 bits (ASVS 4.0.3 3.2.2); we use 256. */
  tokenBytes: 32,
  idleSeconds: 30 * MINUTE_SECONDS,
  absoluteSeconds: 12 * HOUR_SECONDS,
  /** "Remember me" extends the absolute lifetime to 30 days (ignored for 2FA sign-ins). */
  rememberAbsoluteSeconds: 30 * DAY_SECONDS,
  /** Idle timeout of a remember-me session (a persistent cookie that is used at least weekly). */
  rememberIdleSeconds: 7 * DAY_SECONDS,
  /** last_seen_at is written at most this often, so that a session check is a read. */
  touchEverySeconds: 60,
  /** Sudo window (docs/product.md): a re-auth within the last 10 minutes. */
  sudoSeconds: 10 * MINUTE_SECONDS,
});

/**
 * Registered apps as the provider reads them (about five times per sign-in of an app): each instance keeps a
 * row for at most a second. A change reaches every other instance within that second and the instance
 * that made it at once (its entry is dropped); secrets are still compared against the stored keyed hash.
 */
export const OIDC_CLIENT_CACHE = Object.freeze({ ttlMs: 1000, maxEntries: 1000 });

/**
 * OpenID Connect lifetimes in seconds (OAuth 2.0 Security BCP, RFC 9700 §4.2.1 / §4.14: short-lived codes
 * and access tokens, rotated refresh tokens; OIDC Core 1.0 §3.1.2.1 for interactions).
 */
export const OIDC_TTL = Object.freeze({
  /** RFC 6749 §4.1.2: "a maximum authorization code lifetime of 10 minutes is RECOMMENDED"; we use 1. */
  AuthorizationCode: MINUTE_SECONDS,
  /** Bearer access tokens are short-lived (RFC 6750 §5.3): 10 minutes. */
  AccessToken: 10 * MINUTE_SECONDS,
  IdToken: HOUR_SECONDS,
  /** Rotated on every use (RFC 9700 §4.14.2); an unused one expires after 30 days. */
  RefreshToken: 30 * DAY_SECONDS,
  /** The sign-in steps of one authorization request. */
  Interaction: HOUR_SECONDS,
  /** The provider's session follows the twofold session, whose longest life is the remember-me one. */
  Session: 30 * DAY_SECONDS,
  /** A consent, remembered for the user and app. */
  Grant: 365 * DAY_SECONDS,
});

/** Single-use email tokens — OWASP Forgot Password Cheat Sheet; docs/security.md "Recovery and reset tokens". */
export const TOKENS = Object.freeze({
  /** ≥ 128 bits; we use 256. */
  bytes: 32,
  passwordResetSeconds: HOUR_SECONDS,
  invitationSeconds: 7 * DAY_SECONDS,
  /** Email verification links: as long as an invitation (the same kind of "prove this mailbox" link). */
  emailVerificationSeconds: 7 * DAY_SECONDS,
});

/** Password guessing per account — NIST SP 800-63B rev 4 §3.2.2, ASVS 4.0.3 2.2.1. */
export const PASSWORD_THROTTLE = Object.freeze({
  /** Failures after which each further attempt must wait (progressive delay). */
  delayAfterFailures: 5,
  /** First delay; doubles with every further failure, capped below. */
  firstDelaySeconds: 2,
  maxDelaySeconds: 60,
  /** Failures in a row that lock the account's password step. */
  lockAfterFailures: 10,
  firstLockSeconds: 15 * MINUTE_SECONDS,
  maxLockSeconds: DAY_SECONDS,
});

/**
 * Return addresses (`next`, the continue cookie): only paths on PUBLIC_URL's origin, and no longer than
 * this — OWASP Unvalidated Redirects and Forwards Cheat Sheet ("validate against an allow-list"); the bound
 * keeps a redirect header well inside common 8 KiB header limits.
 */
export const RETURN_TO = Object.freeze({ maxLength: 2000 });

/**
 * Attempts being checked in parallel (src/core/attempts.ts): an attempt that finds every slot held by
 * others waits for one to finish — pausing with decorrelated jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter") and woken at once when a slot is given back on this instance — then decides again.
 */
export const IN_FLIGHT = Object.freeze({
  /** A slot nobody has taken a new one beside for this long belongs to a process that died mid-check. */
  staleSeconds: 60,
  firstPauseMs: 20,
  maxPauseMs: 250,
  /** Longest wait for a slot: then the attempt is refused as if throttled (a sign-in request is still short). */
  maxWaitMs: 10_000,
});

/**
 * Request-rate limits per client IP (fixed windows). A per-IP limit must not shut out many people behind
 * one address (OWASP Credential Stuffing Prevention Cheat Sheet, "IP Mitigation and Intelligence"; docs/product.md
 * "Per-IP sign-in limits count failures"): sign-in counts failures, with a generous cap on all requests.
 */
export const RATE_LIMITS = Object.freeze({
  /**
   * Every sign-in request (password or passkey), right or wrong: a flood cap only. 600 a minute lets a site
   * of several hundred people behind one NAT address sign in at 9:00; at ~15 ms of argon2id per password it
   * bounds one address to ~9 s of hashing a minute.
   */
  signIn: Object.freeze({ limit: 600, windowSeconds: MINUTE_SECONDS }),
  /**
   * Failed password checks (wrong password, unknown email, throttled account) per address, counted with
   * in-flight slots so parallel guesses never pass it (ASVS 4.0.3 2.2.1; NIST SP 800-63B rev 4 §3.2.2).
   */
  signInFailures: Object.freeze({ limit: 20, windowSeconds: MINUTE_SECONDS }),
  passwordReset: Object.freeze({ limit: 5, windowSeconds: 15 * MINUTE_SECONDS }),
  invitation: Object.freeze({ limit: 30, windowSeconds: HOUR_SECONDS }),
  setup: Object.freeze({ limit: 10, windowSeconds: 15 * MINUTE_SECONDS }),
  /**
   * Recovery links (confirm and cancel), JSON and pages alike: every bearer secret an anonymous caller
   * presents is throttled (docs/security.md "Guessing limits"; OWASP ASVS 4.0.3 2.2.1 anti-automation).
   */
  recoveryLink: Object.freeze({ limit: 10, windowSeconds: 15 * MINUTE_SECONDS }),
  /**
   * Pages that look a link token up just to show their form (password reset, invitation): an answer
   * "valid / invalid" is a guessing oracle too (ASVS 4.0.3 2.2.1). Looser than the form's own submit limit
   * because a person may reload the page.
   */
  linkView: Object.freeze({ limit: 30, windowSeconds: 15 * MINUTE_SECONDS }),
  /** Following email verification links (every guessable secret is throttled — NIST SP 800-63B rev 4 §3.2.2). */
  emailVerification: Object.freeze({ limit: 10, windowSeconds: 15 * MINUTE_SECONDS }),
  /** Asking for a new verification email (a mailbox is not to be flooded — OWASP Forgot Password Cheat Sheet). */
  emailVerificationSend: Object.freeze({ limit: 5, windowSeconds: HOUR_SECONDS }),
});

/** Org defaults — docs/product.md "Org security settings". */
export const ORG_POLICY = Object.freeze({
  requireTwoFactor: 'off' as const,
  gracePeriodDays: 7,
  gracePeriodMaxDays: 30,
  trustedDeviceDays: 30,
  trustedDeviceMaxDays: 365,
  selfServiceRecovery: true,
  /** Authenticator models (AAGUIDs) an org may list for passkeys: plenty for the keys an org issues. */
  maxAllowedAuthenticators: 50,
});

/**
 * Exceptions to an org's 2FA requirement (docs/decisions.md "Exemptions and extensions"). Deviations from a
 * security setting are documented, approved and reviewed (NIST SP 800-53 rev 5 CM-6 c, "approved deviations");
 * a 90-day ceiling forces that review at least quarterly. An extended deadline lies at most the longest grace
 * period any org may set from now (ORG_POLICY.gracePeriodMaxDays).
 */
export const EXEMPTION = Object.freeze({
  maxDays: 90,
  reasonMaxLength: 500,
});

/**
 * The 2FA check-up (docs/decisions.md "2FA check-up"): 28 days after 2FA is turned on, the next sign-in asks the
 * person to confirm their methods still work and they still have their backup codes (GitHub's "2FA
 * verification" check-up, docs.github.com "Configuring two-factor authentication", 28 days). It may be skipped
 * once; the second skip ends it, as does completing it.
 */
export const CHECKUP = Object.freeze({
  afterDays: 28,
  maxSkips: 2,
});

/** Mail queue retries: 1 min, doubling, at most 8 attempts (about 4 hours in all). */
export const MAIL_QUEUE = Object.freeze({
  firstRetrySeconds: MINUTE_SECONDS,
  maxAttempts: 8,
  pollSeconds: 15,
});

/**
 * Graceful shutdown on SIGTERM (src/server.ts). First the drain: /readyz answers 503 while the instance keeps
 * serving, every answer carrying `Connection: close`, so the load balancer stops sending new requests and
 * moves its kept-alive connections elsewhere before any is closed under a request (a proxy retries a reset
 * GET, not a POST). 5 s by default (SHUTDOWN_DRAIN_SECONDS, 0–60): about the time a Kubernetes endpoint
 * removal takes to reach the proxies, or two failed checks at a 2 s interval; set it to what your load
 * balancer needs to notice a failing /readyz. Then the listener closes and in-flight requests get up to
 * 20 s. 5 + 20 stays inside the 30 s a Kubernetes pod gets by default (terminationGracePeriodSeconds).
 */
export const SHUTDOWN = Object.freeze({
  defaultDrainSeconds: 5,
  maxDrainSeconds: 60,
  inFlightSeconds: 20,
  /** After the drain, kept-alive connections are closed as soon as their last request ends. */
  idleSweepMs: 50,
});

/** Request bodies larger than this are refused with 413 before parsing. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Second step of sign-in — docs/product.md "Sign-in", docs/security.md "Guessing limits". */
export const CHALLENGE = Object.freeze({
  /** ≥ 128 bits; we use 256. */
  tokenBytes: 32,
  lifetimeSeconds: 10 * MINUTE_SECONDS,
  /** Wrong codes after which the challenge is dead (back to the password). */
  maxFailures: 5,
});

/**
 * Second-factor lockout across challenges, sessions and IPs: 10 failures in a row lock the second step for
 * 15 minutes, doubling per further lock up to 24 h (NIST SP 800-63B rev 4 §3.2.2: never more than 100
 * consecutive failures). No progressive delay before the lock.
 */
export const SECOND_FACTOR_THROTTLE = Object.freeze({
  delayAfterFailures: 10,
  firstDelaySeconds: 0,
  maxDelaySeconds: 0,
  lockAfterFailures: 10,
  firstLockSeconds: 15 * MINUTE_SECONDS,
  maxLockSeconds: DAY_SECONDS,
});

/** TOTP — RFC 6238, docs/product.md "Authenticator app". */
export const TOTP = Object.freeze({
  /** Accepted window: the current step ±1 (RFC 6238 §5.2). */
  windowSteps: 1,
  /** A code matching a step within ±10 minutes gets a clock-drift hint (20 steps of 30 s). */
  driftHintSteps: 20,
  enrollmentSeconds: 15 * MINUTE_SECONDS,
});

/** Backup codes — NIST SP 800-63B rev 4 §3.1.2 (look-up secrets), docs/product.md. */
export const BACKUP_CODES = Object.freeze({
  count: 10,
  /** 13 characters of a 32-symbol alphabet = 65 bits ≥ 64 (docs/security.md). */
  length: 13,
  warnAtOrBelow: 3,
});

/** Trusted devices — docs/product.md: 30 days by default, an org may set 0–365 (0 turns it off). */
export const TRUSTED_DEVICE = Object.freeze({
  tokenBytes: 32,
  defaultDays: 30,
  maxDays: 365,
});

/** The browser id cookie behind "new sign-in" emails: 400 days, the longest cookie browsers keep (RFC 6265bis). */
export const DEVICE_ID = Object.freeze({ bytes: 16, maxAgeSeconds: 400 * DAY_SECONDS });

/** Passkeys — WebAuthn Level 3, docs/security.md "WebAuthn", docs/product.md "Passkey". */
export const PASSKEY = Object.freeze({
  /** ≥ 16 bytes (WebAuthn L3 §13.4.3 "Cryptographic Challenges"); we use 32. */
  challengeBytes: 32,
  /** Server-stored challenges are single use and die after 5 minutes. */
  challengeSeconds: 5 * MINUTE_SECONDS,
  /** The browser ceremony's timeout: the same 5 minutes (WebAuthn L3 §15.1 recommends 5–10 minutes). */
  ceremonyTimeoutMs: 5 * MINUTE_SECONDS * 1000,
  /** Longer credential ids are refused (WebAuthn L3 §7.1 registration: credentialId ≤ 1023 bytes). */
  maxCredentialIdBytes: 1023,
  /** An assertion as JSON (re-authentication forms): a few hundred bytes in practice; this is the cap. */
  maxAssertionChars: 8 * 1024,
  /** Options requests per client IP (each one stores a challenge). */
  optionsRateLimit: Object.freeze({ limit: 30, windowSeconds: MINUTE_SECONDS }),
  labelMaxLength: 100,
});

/** Recovery when every factor is lost — docs/product.md "Recovery when everything is lost". */
export const RECOVERY = Object.freeze({
  /** The emailed link: ≥ 128 bits, single use, 1 hour (OWASP Forgot Password Cheat Sheet). */
  tokenBytes: 32,
  linkSeconds: HOUR_SECONDS,
  /** The waiting period before the factors are removed: 24 h by default; a deployment may set 1–72 h. */
  defaultDelayHours: 24,
  minDelayHours: 1,
  maxDelayHours: 72,
  /** Recovery emails per account per hour, and requests per IP per hour. */
  perAccountPerHour: 3,
  perIpPerHour: 10,
  /**
   * No recovery is requested, started or completed within 7 days after a password reset by emailed link:
   * whoever holds only the mailbox could otherwise reset the password, then recover away the second factor
   * (OWASP Multifactor Authentication Cheat Sheet, "Resetting MFA": the reset process must not give an
   * attacker a way to bypass MFA; account recovery must be no weaker than regular authentication). The week
   * gives the owner — signed out everywhere by the reset and told by SMS — time to notice and cancel.
   */
  afterPasswordResetSeconds: 7 * DAY_SECONDS,
  /** A completed recovery stays announced on every signed-in page and in the session for this long. */
  completedNoticeSeconds: 7 * DAY_SECONDS,
});

/**
 * SMS / voice codes — docs/product.md "SMS / voice code"; NIST SP 800-63B rev 4 §3.1.3 (restricted
 * authenticators): ≥ 6 digits from a CSPRNG, valid ≤ 10 minutes (we use 5), single use.
 */
export const PHONE = Object.freeze({
  /** PHONE_CODE_DIGITS: 6 by default; a deployment may set 6–8. */
  defaultCodeDigits: 6,
  minCodeDigits: 6,
  maxCodeDigits: 8,
  codeSeconds: 5 * MINUTE_SECONDS,
  /** A pending "add a phone" waits this long for its code (like an authenticator-app setup). */
  enrollmentSeconds: 15 * MINUTE_SECONDS,
  /** Wrong codes after which a pending "add a phone" is dead (the challenge has its own 5). */
  enrollmentMaxFailures: 5,
  /** Between two codes for the same sign-in, phone setup or re-authentication. */
  resendCooldownSeconds: MINUTE_SECONDS,
  /** SMS-pumping caps (fixed windows): sends per user per hour, per number per day, per client IP per hour. */
  perUser: Object.freeze({ limit: 5, windowSeconds: HOUR_SECONDS }),
  perNumber: Object.freeze({ limit: 10, windowSeconds: DAY_SECONDS }),
  perIp: Object.freeze({ limit: 20, windowSeconds: HOUR_SECONDS }),
  /** SMS_PROVIDER_TIMEOUT_MS: how long a provider may take to accept a message (10 s; 100 ms – 60 s). */
  providerTimeoutMs: 10_000,
  minProviderTimeoutMs: 100,
  maxProviderTimeoutMs: 60_000,
  twilioBaseUrl: 'https://api.twilio.com',
  /** SMS_WEBHOOK_SECRET: at least 32 characters (`openssl rand -hex 32` gives 64). */
  minWebhookSecretLength: 32,
});

/**
 * Email codes (a second factor an org may allow, and the new-device check): 8 digits from the CSPRNG — an
 * email is slower and read on more devices than a text, so a longer code and a longer life than SMS (NIST
 * SP 800-63B rev 4 §3.1.3.1 lets a sent code live up to 10 minutes) — single use, the same attempt limits
 * as SMS (the challenge's 5 wrong codes and the account's second-factor throttle; 5 for a pending setup),
 * one code a minute per sign-in, setup or re-authentication, and at most 10 code emails per user per hour
 * (OWASP ASVS 5.0 V2.2.1 anti-automation).
 */
export const EMAIL_CODE = Object.freeze({
  digits: 8,
  codeSeconds: 10 * MINUTE_SECONDS,
  enrollmentSeconds: 15 * MINUTE_SECONDS,
  enrollmentMaxFailures: 5,
  resendCooldownSeconds: MINUTE_SECONDS,
  perUser: Object.freeze({ limit: 10, windowSeconds: HOUR_SECONDS }),
});

/** Housekeeping (src/maintenance.ts): expired rows are deleted hourly, a day after they expire. */
export const MAINTENANCE = Object.freeze({ pruneEverySeconds: HOUR_SECONDS, keepExpiredSeconds: DAY_SECONDS });

/**
 * Org webhooks (src/webhooks), following the Standard Webhooks specification (standardwebhooks.com):
 * a `whsec_` secret of 32 random bytes (HMAC-SHA256 key, RFC 2104 recommends at least the hash's output
 * length), at-least-once delivery from the database outbox, retried on the specification's suggested
 * schedule — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first try (about 27.5 h in all) — then
 * marked failed. An endpoint whose last `disableAfterFailedMessages` messages all failed every attempt is
 * turned off and the org's owners are emailed. Receivers should answer within `timeoutMs`; redirects are not
 * followed (a redirect could lead to an address the SSRF check refused).
 */
export const WEBHOOKS = Object.freeze({
  secretBytes: 32,
  maxEndpointsPerOrg: 20,
  maxUrlLength: 2000,
  timeoutMs: 10_000,
  retryScheduleSeconds: Object.freeze([
    5,
    5 * MINUTE_SECONDS,
    30 * MINUTE_SECONDS,
    2 * HOUR_SECONDS,
    5 * HOUR_SECONDS,
    10 * HOUR_SECONDS,
    10 * HOUR_SECONDS,
  ]),
  disableAfterFailedMessages: 5,
  /** After a secret rotation the previous secret also signs for this long by default (0–168 h). */
  defaultOverlapHours: 24,
  maxOverlapHours: 168,
  pollSeconds: 15,
  batchSize: 50,
  /** Deliveries kept in the log (per endpoint, newest first) before housekeeping removes older ones. */
  logKeepDays: 30,
});

/**
 * OpenID Connect Back-Channel Logout 1.0 (src/oidc/backchannel.ts). A logout token is signed when it is
 * sent and lives 2 minutes (§2.4: "it is RECOMMENDED that the exp ... be short"); the app answers within the
 * webhooks' time limit. §2.8 leaves retries to the OP: the same at-least-once outbox as webhooks, with a
 * shorter schedule (about 7 hours), after which the app's own session lifetime bounds the exposure.
 */
export const BACKCHANNEL_LOGOUT = Object.freeze({
  tokenSeconds: 2 * MINUTE_SECONDS,
  timeoutMs: 10_000,
  retryScheduleSeconds: Object.freeze([5, MINUTE_SECONDS, 10 * MINUTE_SECONDS, HOUR_SECONDS, 6 * HOUR_SECONDS]),
  pollSeconds: 15,
  batchSize: 50,
  /** Finished notifications kept before housekeeping removes them. */
  logKeepDays: 7,
});

/**
 * Forward authentication for reverse proxies (src/forward-auth). A signed-in browser is carried to a protected
 * host with a one-time code (single use, 60 s, 256 bits like every bearer secret here — NIST SP 800-63B rev 4
 * §3.2.2 for guessability; OAuth 2.0 RFC 6749 §4.1.2 recommends a code lifetime of at most 10 minutes), redeemed
 * on that host for a host-only cookie whose token is tied to the twofold session: it ends with the session.
 */
export const FORWARD_AUTH = Object.freeze({
  codeSeconds: 60,
  tokenBytes: 32,
  /** The proxy route that hands the code to twofold on the protected host (the nginx/Traefik/Caddy examples). */
  callbackPath: '/.twofold/callback',
  cookieName: 'tf_fa',
  maxHostsPerOrg: 50,
  maxReturnLength: 2000,
});

/**
 * Per-org branding on hosted pages (src/branding, src/core/branding.ts). The logo is an uploaded PNG or JPEG
 * (SVG is refused: it can carry script — OWASP File Upload Cheat Sheet, "List allowed extensions" and
 * "Content-Type validation"), recognised by its magic bytes, at most 256 KiB, served from twofold's own origin
 * so the CSP (`img-src 'self'`) stays as it is. The accent colour is the background of primary buttons (white
 * text on it) and the colour of links on the page background: both pairs need a contrast ratio of at least
 * 4.5:1 (WCAG 2.1 SC 1.4.3 Contrast (Minimum), level AA; relative luminance and ratio as WCAG 2.1 defines them).
 */
export const BRANDING = Object.freeze({
  logoMaxBytes: 256 * 1024,
  logoTypes: Object.freeze(['image/png', 'image/jpeg'] as const),
  minContrast: 4.5,
  /** The page background and the button text of src/pages/static/app.css (--bg, --brand-ink). */
  pageBackground: '#f6f7fb',
  buttonText: '#ffffff',
  displayNameMaxLength: 100,
  /** The logo is cached by browsers for an hour and revalidated by its ETag after. */
  logoCacheSeconds: 3600,
});
