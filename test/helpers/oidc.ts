/**
 * OpenID Connect test rig: a twofold app listening on localhost, a relying party configured with
 * openid-client (the certified RP library), and a cookie-keeping browser over fetch that follows
 * redirects and the "continuing" page's meta refresh, and submits twofold's forms with their CSRF field.
 */
import * as oidcClient from 'openid-client';
import { expect } from 'vitest';
import type { DialectName } from '../../src/db/connect.ts';
import { createTestApp, setUpOwner, type Client, type TestApp } from './app.ts';
import { freePort } from './browser.ts';

export const RP_CALLBACK = 'http://localhost:7777/callback';
export const RP_LOGGED_OUT = 'http://localhost:7777/logged-out';

export interface OidcRig {
  readonly t: TestApp;
  readonly base: string;
  readonly issuer: string;
  readonly owner: Client;
  readonly orgId: string;
  readonly ownerId: string;
  close(): Promise<void>;
}

export async function startOidcRig(
  dialect: DialectName,
  env: Record<string, string> = {},
  logLevel = 'info',
): Promise<OidcRig> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const t = await createTestApp(dialect, { env: { PUBLIC_URL: base, ...env }, logLevel });
  await t.app.listen({ port, host: '127.0.0.1' });
  const { owner, orgId, ownerId } = await setUpOwner(t);
  return { t, base, issuer: `${base}/oidc`, owner, orgId, ownerId, close: () => t.close() };
}

/** Registers an app over the JSON API as the (re-authenticated) owner. */
export async function registerApp(
  rig: OidcRig,
  password: string,
  body: Record<string, unknown> = {},
): Promise<{ clientId: string; clientSecret: string | null }> {
  await rig.owner.post('/api/v1/me/reauthenticate', { password });
  const response = await rig.owner.post(`/api/v1/orgs/${rig.orgId}/oidc-clients`, {
    name: 'Patient portal',
    kind: 'confidential',
    redirectUris: [RP_CALLBACK],
    postLogoutRedirectUris: [RP_LOGGED_OUT],
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  const json = response.json() as { client: { clientId: string }; clientSecret: string | null };
  return { clientId: json.client.clientId, clientSecret: json.clientSecret };
}

export async function rpConfig(
  rig: OidcRig,
  app: { clientId: string; clientSecret: string | null },
  auth: 'basic' | 'post' | 'none' = 'basic',
): Promise<oidcClient.Configuration> {
  const authentication =
    auth === 'none' || !app.clientSecret
      ? oidcClient.None()
      : auth === 'post'
        ? oidcClient.ClientSecretPost(app.clientSecret)
        : oidcClient.ClientSecretBasic(app.clientSecret);
  return oidcClient.discovery(new URL(rig.issuer), app.clientId, undefined, authentication, {
    execute: [oidcClient.allowInsecureRequests],
  });
}

export interface AuthRequest {
  readonly url: URL;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

export async function authRequest(
  config: oidcClient.Configuration,
  extra: Record<string, string> = {},
): Promise<AuthRequest> {
  const verifier = oidcClient.randomPKCECodeVerifier();
  const state = oidcClient.randomState();
  const nonce = oidcClient.randomNonce();
  const url = oidcClient.buildAuthorizationUrl(config, {
    redirect_uri: RP_CALLBACK,
    scope: 'openid email profile org',
    code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/** The path of the first form on `page` whose action matches `pattern`. */
export function formAction(page: Page, pattern: RegExp): string {
  const action = [...page.body.matchAll(/<form[^>]*action="([^"]+)"/g)]
    .map((m) => m[1]!.replace(/&amp;/g, '&'))
    .find((a) => pattern.test(a));
  if (!action) throw new Error(`no form matching ${pattern} on ${page.url}: ${page.body.slice(0, 1500)}`);
  return action;
}

export async function redeem(config: oidcClient.Configuration, request: AuthRequest, callback: string) {
  return oidcClient.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
}

export interface Page {
  readonly status: number;
  readonly url: string;
  readonly body: string;
}

/** One browser: cookies by name (paths ignored: the server reads only the ones it knows), redirects followed. */
export class WebBrowser {
  readonly cookies = new Map<string, string>();
  /** `headers`: sent with every request (e.g. Accept-Language). */
  constructor(
    private readonly origin: string,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  private store(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired =
        value === '' ||
        attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
        attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private header(): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...this.headers, ...(cookie ? { cookie } : {}) };
  }

  /**
   * Goes to `url` and follows redirects and meta refreshes within twofold. Stops at the first address
   * outside twofold (the app's redirect URI), returned as `url` with status 0 and no body.
   */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    let next: string = url;
    let method = init.method ?? 'GET';
    let form = init.form;
    for (let hop = 0; hop < 20; hop++) {
      if (!next.startsWith(this.origin)) return { status: 0, url: next, body: '' };
      const response = await fetch(next, {
        method,
        redirect: 'manual',
        headers: {
          ...this.header(),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      });
      this.store(response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        next = new URL(location, next).toString();
        method = 'GET';
        form = undefined;
        continue;
      }
      const body = await response.text();
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(body);
      if (refresh) {
        next = new URL(refresh[1]!.replace(/&amp;/g, '&'), next).toString();
        method = 'GET';
        form = undefined;
        continue;
      }
      return { status: response.status, url: next, body };
    }
    throw new Error('too many redirects');
  }

  /** A JSON API call with this browser's cookies (as the hosted pages' scripts make them). */
  async json(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: {
        ...this.header(),
        origin: this.origin,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    this.store(response);
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  /** Submits the form whose action is `action` on `page`, with its hidden fields and `fields`. */
  async submit(page: Page, action: string, fields: Record<string, string> = {}): Promise<Page> {
    const forms = [...page.body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const target = new URL(action, page.url).toString();
    const match = forms.find((f) => new URL(f[1]!.replace(/&amp;/g, '&'), page.url).toString() === target);
    if (!match) throw new Error(`no form posting to ${action} on ${page.url}: ${page.body.slice(0, 2000)}`);
    const hidden = Object.fromEntries(
      [...match[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&amp;/g, '&'),
      ]),
    );
    return this.go(target, { method: 'POST', form: { ...hidden, ...fields } });
  }
}

/** Signs in on twofold's sign-in page (the page the app's request led to), then the second step when asked. */
export async function signInThrough(
  browser: WebBrowser,
  page: Page,
  email: string,
  password: string,
  code?: () => string,
  options: { trustDevice?: boolean } = {},
): Promise<Page> {
  expect(new URL(page.url).pathname).toBe('/sign-in');
  let next = await browser.submit(page, '/sign-in', { email, password });
  if (new URL(next.url).pathname === '/sign-in/challenge') {
    if (!code) throw new Error('a second factor was asked for');
    next = await browser.submit(next, '/sign-in/challenge', {
      code: code(),
      ...(options.trustDevice ? { trustDevice: '1' } : {}),
    });
  }
  return next;
}
