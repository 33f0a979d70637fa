/**
 * A minimal app that signs its users in through twofold (OpenID Connect, authorization code + PKCE) and
 * shows who signed in and how. Plain Node, no framework; openid-client v6 does the protocol work.
 *
 *   TWOFOLD_ISSUER=http://localhost:3000/oidc CLIENT_ID=tfc_… CLIENT_SECRET=tfcs_… node app.mjs
 *
 * Settings (environment):
 *   TWOFOLD_ISSUER  twofold's issuer: its PUBLIC_URL followed by /oidc
 *   CLIENT_ID       the app's client ID (Organization → Apps)
 *   CLIENT_SECRET   the app's secret; leave it out for a public app (PKCE only, no secret)
 *   PORT            where this app listens (default 4000)
 *   APP_URL         the address people use to reach this app (default http://localhost:PORT); the
 *                   redirect URI registered in twofold is APP_URL/callback, the post-logout one APP_URL/,
 *                   the back-channel logout URI APP_URL/backchannel-logout
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL, URLSearchParams } from 'node:url';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const COOKIE = 'example_app_session';
/** How long a started sign-in may take, and how long a signed-in session lasts here. */
const PENDING_TTL_MS = 10 * 60 * 1000;
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Ask for this to require two factors (the ID token's acr says what was used). */
const AAL2 = 'urn:twofold:aal2';
/** The event a logout token carries (OpenID Connect Back-Channel Logout 1.0 §2.4). */
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value) {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Example app</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { text-align: left; padding: .35rem .75rem; border-bottom: 1px solid #ccc; vertical-align: top; }
  pre { background: #f3f3f3; padding: 1rem; overflow: auto; }
  a { color: #0b57d0; }
  .actions a { margin-right: 1.5rem; }
  .error { color: #a50e0e; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function signedOutView() {
  return page(
    'Signed out',
    `<h1>Example app</h1>
<p>You are not signed in.</p>
<p class="actions">
  <a href="/login">Sign in with twofold</a>
  <a href="/login?aal2=1">Sign in with two-factor required</a>
</p>`,
  );
}

function formatTime(seconds) {
  if (typeof seconds !== 'number') return '';
  return `${new Date(seconds * 1000).toISOString()} (${seconds})`;
}

function signedInView(claims) {
  const amr = Array.isArray(claims.amr) ? claims.amr.join(' ') : '';
  const roles = Array.isArray(claims.roles) ? claims.roles.join(', ') : '';
  const org = claims.org_name ? `${claims.org_name} (${claims.org_id ?? ''})` : (claims.org_id ?? '');
  const rows = [
    ['sub', 'User ID (sub)', claims.sub],
    ['email', 'Email', claims.email],
    ['org', 'Organization', org],
    ['role', 'Role', roles],
    ['acr', 'Authentication level (acr)', claims.acr],
    ['amr', 'Methods used (amr)', amr],
    ['auth_time', 'Authenticated at (auth_time)', formatTime(claims.auth_time)],
  ];
  return page(
    'Signed in',
    `<h1>Example app</h1>
<p>You are signed in${claims.email ? ` as <strong>${escapeHtml(claims.email)}</strong>` : ''}.</p>
<table aria-label="Who signed in and how">
${rows.map(([key, label, value]) => `  <tr><th scope="row">${escapeHtml(label)}</th><td data-claim="${escapeHtml(key)}">${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
<h2>ID token claims</h2>
<pre id="claims">${escapeHtml(JSON.stringify(claims, null, 2))}</pre>
<p class="actions">
  <a href="/login?aal2=1">Sign in again with two-factor required</a>
  <a href="/logout">Sign out</a>
</p>`,
  );
}

function errorView(message) {
  return page(
    'Sign-in failed',
    `<h1>Sign-in failed</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p><a href="/">Back to the start</a></p>`,
  );
}

function readCookie(request, name) {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/**
 * Starts the app. Returns its address and a close() that stops it.
 * @param {{ issuer: string, clientId: string, clientSecret?: string | null, port?: number, appUrl?: string, host?: string }} options
 */
export async function startExampleApp({ issuer, clientId, clientSecret = null, port = 4000, appUrl, host }) {
  if (!issuer || !clientId) throw new Error('TWOFOLD_ISSUER and CLIENT_ID are required');
  const issuerUrl = new URL(issuer);

  /** Sessions in memory, keyed by a random id in an HttpOnly cookie: a sign-in in progress, or the claims. */
  const sessions = new Map();

  let config = null;
  /** The issuer's discovery document is fetched on first use (twofold may start after this app). */
  async function configuration() {
    config ??= client
      .discovery(
        issuerUrl,
        clientId,
        undefined,
        clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
        // openid-client refuses plain http. Allow it only for an http:// issuer (a twofold on localhost
        // during development); with an https issuer every request must use https.
        issuerUrl.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error) => {
        config = null;
        throw error;
      });
    return config;
  }

  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const listening = server.address().port;
  const base = (appUrl ?? `http://localhost:${listening}`).replace(/\/+$/, '');
  const secure = base.startsWith('https:');
  const redirectUri = `${base}/callback`;
  const postLogoutRedirectUri = `${base}/`;

  function sessionOf(request) {
    const id = readCookie(request, COOKIE);
    const entry = id ? sessions.get(id) : undefined;
    if (!entry) return null;
    if (entry.expiresAt < Date.now()) {
      sessions.delete(id);
      return null;
    }
    return { id, entry };
  }

  /** A new session id for every sign-in step (never reusing an id the browser had before). */
  function newSession(response, entry) {
    const now = Date.now();
    for (const [id, old] of sessions) if (old.expiresAt < now) sessions.delete(id);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, entry);
    response.setHeader('Set-Cookie', `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
  }

  function clearSession(response, current) {
    if (current) sessions.delete(current.id);
    response.setHeader(
      'Set-Cookie',
      `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`,
    );
  }

  function send(response, status, body) {
    response.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(body);
  }

  function redirect(response, location) {
    response.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
    response.end();
  }

  let jwks = null;
  /**
   * twofold tells the app, server to server, that a person's twofold session ended (they signed out, changed
   * their password, were removed…): a logout token to verify (signature against twofold's keys, iss, aud,
   * typ, the event, no nonce), then the app's sessions with that `sid` (or, without one, that `sub`) end.
   */
  async function backchannelLogout(request, response) {
    let body = '';
    for await (const chunk of request) {
      body += chunk;
      if (body.length > 16_384) break;
    }
    try {
      const oidc = await configuration();
      jwks ??= createRemoteJWKSet(new URL(oidc.serverMetadata().jwks_uri));
      const { payload } = await jwtVerify(new URLSearchParams(body).get('logout_token') ?? '', jwks, {
        issuer: oidc.serverMetadata().issuer,
        audience: clientId,
        typ: 'logout+jwt',
        requiredClaims: ['iat', 'jti', 'events'],
      });
      if ('nonce' in payload || typeof payload.events?.[LOGOUT_EVENT] !== 'object')
        throw new Error('not a logout token');
      if (!payload.sid && !payload.sub) throw new Error('no sid or sub');
      for (const [id, entry] of sessions) {
        const claims = entry.claims;
        if (claims && (payload.sid ? claims.sid === payload.sid : claims.sub === payload.sub)) sessions.delete(id);
      }
      response.writeHead(200, { 'Cache-Control': 'no-store' }).end();
    } catch {
      response.writeHead(400, { 'Cache-Control': 'no-store' }).end();
    }
  }

  async function handle(request, response) {
    const url = new URL(request.url ?? '/', base);
    if (request.method === 'POST' && url.pathname === '/backchannel-logout')
      return backchannelLogout(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, errorView('Method not allowed.'));
    const current = sessionOf(request);

    if (url.pathname === '/') {
      return send(response, 200, current?.entry.claims ? signedInView(current.entry.claims) : signedOutView());
    }

    if (url.pathname === '/login') {
      const oidc = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const parameters = {
        redirect_uri: redirectUri,
        scope: 'openid email profile org',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      };
      if (url.searchParams.get('aal2') === '1') parameters.acr_values = AAL2;
      if (current) sessions.delete(current.id);
      newSession(response, { pending: { codeVerifier, state, nonce }, expiresAt: Date.now() + PENDING_TTL_MS });
      return redirect(response, client.buildAuthorizationUrl(oidc, parameters).href);
    }

    if (url.pathname === '/callback') {
      const pending = current?.entry.pending;
      if (!pending)
        return send(response, 400, errorView('This sign-in was not started here, or it took too long. Start again.'));
      sessions.delete(current.id);
      const oidc = await configuration();
      let tokens;
      try {
        tokens = await client.authorizationCodeGrant(oidc, url, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        clearSession(response, null);
        const reason = error?.error_description ?? error?.error ?? error?.message ?? 'unknown error';
        return send(response, 400, errorView(`twofold did not sign you in: ${reason}`));
      }
      newSession(response, {
        claims: tokens.claims(),
        idToken: tokens.id_token,
        expiresAt: Date.now() + SESSION_TTL_MS,
      });
      return redirect(response, '/');
    }

    if (url.pathname === '/logout') {
      const idToken = current?.entry.idToken;
      clearSession(response, current);
      if (!idToken) return redirect(response, '/');
      // Ends the twofold session too (RP-initiated logout); twofold asks the person to confirm first.
      const oidc = await configuration();
      return redirect(
        response,
        client.buildEndSessionUrl(oidc, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri })
          .href,
      );
    }

    return send(response, 404, errorView('Not found.'));
  }

  server.on('request', (request, response) => {
    handle(request, response).catch((error) => {
      console.error(error);
      if (!response.headersSent) send(response, 502, errorView(`Could not reach twofold: ${error?.message ?? error}`));
      else response.end();
    });
  });

  return {
    url: base,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const runDirectly = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (runDirectly) {
  if (!process.env.TWOFOLD_ISSUER || !process.env.CLIENT_ID) {
    console.error(
      'Set TWOFOLD_ISSUER (e.g. http://localhost:3000/oidc) and CLIENT_ID (and CLIENT_SECRET for a server-side app).',
    );
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 4000);
  const app = await startExampleApp({
    issuer: process.env.TWOFOLD_ISSUER ?? '',
    clientId: process.env.CLIENT_ID ?? '',
    clientSecret: process.env.CLIENT_SECRET || null,
    port,
    appUrl: process.env.APP_URL || `http://localhost:${port}`,
  });
  console.log(
    `Example app: ${app.url} (sign-in redirect URI ${app.url}/callback, post-logout ${app.url}/, back-channel logout ${app.url}/backchannel-logout)`,
  );
}
