/**
 * The OpenID Connect phase of the benchmark (bench/run.ts wires it in as `i`):
 *
 *   i. silent single sign-on   what an app's sign-in costs for a user who is already signed in to twofold
 *                              with two factors and has already allowed the app. Per iteration, with a
 *                              fresh cookie jar holding only one of the pool's twofold session cookies
 *                              (signed in through the API with password + TOTP: amr pwd otp mfa):
 *                              GET /oidc/auth?client_id…&response_type=code&scope=openid&code_challenge
 *                              (S256)&state&nonce&redirect_uri, then the 303s (to /authorize/:uid, back
 *                              to /oidc/auth/:uid) with the cookies the provider sets, each sent only to
 *                              its path as a browser would, until the Location is the app's redirect URI
 *                              with ?code=; then POST /oidc/token (authorization_code + code_verifier,
 *                              client_secret_basic). The whole flow is one iteration; the token request
 *                              alone is reported too, from its own timings (i-token). Outcome "ok" only
 *                              for a 200 token answer whose ID token carries acr urn:twofold:aal2 and the
 *                              request's nonce, after a redirect with the request's state.
 *
 * Consent: before measuring, each pool user runs one real flow that stops at the consent page, submits
 * "Allow" (its form, with the page's CSRF field and cookie), follows the "continuing" page to the app and
 * redeems the code. The grant this stores (model Grant in oidc_payloads, found by user and app) is what
 * lets the measured flows pass without a prompt. The first of those flows also checks the ID token's
 * RS256 signature against the provider's JWKS.
 *
 * The app itself is registered in the database by bench/seed-oidc.ts. The harness is run.ts's.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { derived, type Harness } from './phases-factors.ts';
import { runLoad, send, type Iteration, type LoadResult, type Response, type Target } from './loader.ts';
import type { OidcFixture } from './seed-oidc.ts';

/** The acr of a two-factor sign-in (src/oidc/provider.ts ACR.aal2). */
const AAL2 = 'urn:twofold:aal2';
/** Client-address indices of the app server calling the token endpoint (above every bench user's). */
const APP_SERVER_IP_INDEX = 9_000_000;
const MAX_HOPS = 8;

/** One browser's cookies for one flow: name → value and path; sent only to requests under the path (RFC 6265 §5.1.4). */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  set(name: string, value: string, path = '/'): void {
    this.cookies.set(name, { value, path });
  }

  store(response: Response, requestPath: string): void {
    for (const line of response.headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = requestPath.slice(0, requestPath.lastIndexOf('/')) || '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', v = ''] = attribute.split('=');
        const k = key.trim().toLowerCase();
        if (k === 'path') path = v.trim() || '/';
        else if (k === 'max-age' && Number(v) <= 0) expired = true;
        else if (k === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  header(requestPath: string): string {
    const parts: string[] = [];
    for (const [name, { value, path }] of this.cookies) {
      if (requestPath === path || requestPath.startsWith(path.endsWith('/') ? path : `${path}/`))
        parts.push(`${name}=${value}`);
    }
    return parts.join('; ');
  }
}

interface FlowTimings {
  /** GET /oidc/auth?…, GET /authorize/:uid, GET /oidc/auth/:uid, POST /oidc/token (ms). */
  auth: number[];
  authorize: number[];
  resume: number[];
  token: number[];
  tokenOutcomes: Record<string, number>;
}

function newTimings(): FlowTimings {
  return { auth: [], authorize: [], resume: [], token: [], tokenOutcomes: {} };
}

function hopKind(pathname: string): 'auth' | 'authorize' | 'resume' | null {
  if (pathname === '/oidc/auth') return 'auth';
  if (pathname.startsWith('/oidc/auth/')) return 'resume';
  if (pathname.startsWith('/authorize/')) return 'authorize';
  return null;
}

function percentiles(values: readonly number[]): string {
  if (values.length === 0) return 'none';
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return `p50 ${at(50).toFixed(2)} / p99 ${at(99).toFixed(2)} ms`;
}

function decodeJwtPart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Checks an RS256 JWT's signature against the provider's published keys (the app would do this once it has the JWKS). */
async function verifyAgainstJwks(h: Harness, target: Target, jwt: string): Promise<void> {
  const [header, payload, signature] = jwt.split('.');
  const { kid, alg } = decodeJwtPart(header) as { kid?: string; alg?: string };
  const jwks = await send(target, { method: 'GET', path: '/oidc/jwks' }, true);
  if (jwks.status !== 200) throw new Error(`oidc: GET /oidc/jwks answered ${jwks.status}`);
  const key = (JSON.parse(jwks.body) as { keys: Array<Record<string, unknown>> }).keys.find((k) => k.kid === kid);
  if (alg !== 'RS256' || !key)
    throw new Error(`oidc: ID token signed with ${alg} by ${kid}, not a published RS256 key`);
  const publicKey = crypto.createPublicKey({ key: key as crypto.JsonWebKey, format: 'jwk' });
  const ok = crypto.verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature ?? '', 'base64url'),
  );
  if (!ok) throw new Error('oidc: the ID token signature does not verify against the JWKS');
  h.log(
    `  ID token signature verified against /oidc/jwks (RS256, kid ${kid}); claims: ${JSON.stringify(decodeJwtPart(payload), ['acr', 'amr', 'aud', 'auth_time'])}`,
  );
}

/** What differs between twofold's flow and the bare provider's (the ceiling, bench/oidc-bare-server.ts). */
export interface OidcPhase {
  /** Phase key and its label prefix: `i` (twofold) or `i-bare` (oidc-provider alone). */
  readonly phase: string;
  readonly label: string;
  /** twofold asks for consent through its page once per user; the bare server grants it by itself. */
  readonly consentRound: boolean;
  /** The acr every ID token must carry (twofold: aal2), or null to accept any. */
  readonly acr: string | null;
}

export const TWOFOLD_OIDC: OidcPhase = {
  phase: 'i',
  label: 'i. OIDC silent SSO, code + token',
  consentRound: true,
  acr: AAL2,
};

export async function measureOidc(
  h: Harness,
  app: OidcFixture,
  sessions: readonly string[],
  database: string,
  phase: OidcPhase = TWOFOLD_OIDC,
): Promise<void> {
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString('base64')}`;
  let timings = newTimings();
  let firstIdToken: string | null = null;

  /** One sign-in at the app, start to tokens. With `consent`, the consent page is expected and allowed. */
  const flow =
    (consent: boolean): Iteration =>
    async (target, index) => {
      const user = index % sessions.length;
      const ip = h.clientIp(user);
      const jar = new CookieJar();
      jar.set('tf_session', sessions[user]!);
      const verifier = crypto.randomBytes(32).toString('base64url');
      const state = crypto.randomBytes(16).toString('base64url');
      const nonce = crypto.randomBytes(16).toString('base64url');
      const query = new URLSearchParams({
        client_id: app.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: app.redirectUri,
        code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      let next = `/oidc/auth?${query}`;
      let consented = false;
      let callback: URL | null = null;
      for (let hop = 0; hop < MAX_HOPS && !callback; hop++) {
        const pathname = next.split('?')[0]!;
        const kind = hopKind(pathname);
        const t0 = performance.now();
        const response = await send(
          target,
          { method: 'GET', path: next, headers: { cookie: jar.header(pathname), 'x-forwarded-for': ip } },
          consent,
        );
        if (kind) timings[kind].push(performance.now() - t0);
        jar.store(response, pathname);
        const location = response.headers.location;
        if (response.status === 303 || response.status === 302) {
          if (!location) return `hop${hop}:${response.status}-no-location`;
          if (location.startsWith(`${app.redirectUri}?`)) {
            callback = new URL(location);
            break;
          }
          const url = new URL(location, h.origin);
          if (url.origin !== h.origin) return `left:${url.origin}`;
          next = `${url.pathname}${url.search}`;
          continue;
        }
        // Only the consent round may meet a page: the consent page, then the "continuing to the app" page.
        if (!consent || response.status !== 200 || kind !== 'authorize')
          return `hop${hop}:${kind ?? pathname}:${response.status}`;
        if (consented) return `hop${hop}:page-after-consent`;
        const csrf =
          /<form method="post" action="[^"]*\/consent"[^>]*><input type="hidden" name="_csrf" value="([^"]+)">/.exec(
            response.body,
          )?.[1];
        if (!csrf) return `hop${hop}:no-consent-form`;
        const action = `${pathname}/consent`;
        const allowed = await send(
          target,
          {
            method: 'POST',
            path: action,
            headers: {
              cookie: jar.header(action),
              origin: h.origin,
              'content-type': 'application/x-www-form-urlencoded',
              'x-forwarded-for': ip,
            },
            body: new URLSearchParams({ _csrf: csrf.replace(/&amp;/g, '&') }).toString(),
          },
          true,
        );
        jar.store(allowed, action);
        const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(allowed.body)?.[1];
        if (allowed.status !== 200 || !refresh) return `consent:${allowed.status}`;
        const url = new URL(refresh.replace(/&amp;/g, '&'), h.origin);
        if (url.origin !== h.origin) return `left:${url.origin}`;
        next = `${url.pathname}${url.search}`;
        consented = true;
      }
      if (!callback) return 'too-many-hops';
      if (callback.searchParams.get('error')) return `callback:${callback.searchParams.get('error')}`;
      if (callback.searchParams.get('state') !== state) return 'callback:state';
      const code = callback.searchParams.get('code');
      if (!code) return 'callback:no-code';

      const t0 = performance.now();
      const token = await send(
        target,
        {
          method: 'POST',
          path: '/oidc/token',
          headers: {
            authorization: basic,
            'content-type': 'application/x-www-form-urlencoded',
            'x-forwarded-for': h.clientIp(APP_SERVER_IP_INDEX),
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: app.redirectUri,
            code_verifier: verifier,
          }).toString(),
        },
        true,
      );
      timings.token.push(performance.now() - t0);
      timings.tokenOutcomes[String(token.status)] = (timings.tokenOutcomes[String(token.status)] ?? 0) + 1;
      if (token.status !== 200) return `token:${token.status}`;
      const idToken = (JSON.parse(token.body) as { id_token?: string }).id_token;
      if (!idToken) return 'token:no-id-token';
      const claims = decodeJwtPart(idToken.split('.')[1]);
      if (phase.acr !== null && claims.acr !== phase.acr) return `acr:${String(claims.acr)}`;
      if (claims.nonce !== nonce || claims.aud !== app.clientId) return 'id-token:nonce-or-aud';
      firstIdToken ??= idToken;
      if (consent) return consented ? 'consented+ok' : 'ok-without-consent';
      return 'ok';
    };

  // Consent, once per pool user, through the real page.
  if (phase.consentRound) await consentRound();
  async function consentRound(): Promise<void> {
    const round = await runLoad(
      {
        label: 'consent (one flow per user)',
        port: h.port,
        concurrency: 8,
        durationSeconds: 60,
        maxIterations: sessions.length,
        expected: ['consented+ok'],
      },
      flow(true),
    );
    if (round.errors > 0 || round.iterations !== sessions.length)
      throw new Error(`oidc consent round: ${JSON.stringify(round.outcomes)}`);
    h.log(
      `  ${sessions.length} users allowed the app through the consent page (one full flow each, ${round.seconds.toFixed(1)} s)`,
    );
  }

  const base = { port: h.port, concurrency: h.concurrency, expected: ['ok'], maxIterations: 500_000 };
  await runLoad({ ...base, label: 'warm-up', durationSeconds: h.warmupSeconds }, flow(false));
  const agent = new http.Agent();
  await verifyAgainstJwks(h, { host: '127.0.0.1', port: h.port, agent }, firstIdToken!);
  agent.destroy();

  const whole: LoadResult = await h.measure(phase.phase, database, () => {
    timings = newTimings();
    return runLoad({ ...base, label: `${phase.label} (${database})`, durationSeconds: h.seconds }, flow(false));
  });
  h.recordDerived(
    `${phase.phase}-token`,
    database,
    derived(`${phase.phase}. OIDC token request alone (${database})`, whole, timings.token, timings.tokenOutcomes),
  );
  h.log(
    `  per request: GET /oidc/auth ${percentiles(timings.auth)}; GET /authorize/:uid ${percentiles(timings.authorize)}; ` +
      `GET /oidc/auth/:uid ${percentiles(timings.resume)}; POST /oidc/token ${percentiles(timings.token)}`,
  );
}
