/**
 * Finishing a page's action after "Confirm it's you": the form a person posted (path and fields) is sealed
 * into the confirmation form, bound to their session and good for 10 minutes (the sudo window); once the
 * re-authentication passes, the same request runs again through the same route — with the new session and
 * a fresh CSRF field — and its answer is the answer. Nothing typed is lost, and no page re-implements an
 * action. The sealed value is AEAD-encrypted under the keyring (it may hold a new password).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION } from '../config/defaults.ts';
import type { Ctx } from '../context.ts';
import { csrfField } from '../http/csrf.ts';
import { cookieNames } from '../http/cookies.ts';
import { safeReturnTo } from '../http/return-to.ts';
import { LANGUAGE_COOKIE } from '../http/locale.ts';
import { isLocale } from '../i18n/index.ts';

const PURPOSE = 'pending-page-action';

type Fields = Record<string, string | string[]>;

interface PendingAction {
  readonly sessionId: string;
  readonly path: string;
  readonly fields: Fields;
  readonly expiresAt: number;
}

/** The posted form of this request, sealed for the confirmation form's hidden `resume` field. */
export function sealPendingAction(ctx: Ctx, request: FastifyRequest, sessionId: string): string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const fields: Fields = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '_csrf') continue;
    if (typeof value === 'string') fields[name] = value;
    else if (Array.isArray(value)) fields[name] = value.filter((v): v is string => typeof v === 'string');
  }
  const action: PendingAction = {
    sessionId,
    path: request.url,
    fields,
    expiresAt: ctx.clock().getTime() + SESSION.sudoSeconds * 1000,
  };
  const sealed = ctx.keyring.seal(new TextEncoder().encode(JSON.stringify(action)), PURPOSE);
  return `${sealed.keyId}.${sealed.sealed}`;
}

/** The pending action in a confirmation form, when it is intact, this session's and not expired. */
function openPendingAction(ctx: Ctx, value: unknown, sessionId: string): PendingAction | null {
  if (typeof value !== 'string' || value.length > 200_000) return null;
  const dot = value.indexOf('.');
  if (dot < 1) return null;
  try {
    const plain = ctx.keyring.open(value.slice(0, dot), value.slice(dot + 1), PURPOSE);
    const action = JSON.parse(new TextDecoder().decode(plain)) as PendingAction;
    if (action.sessionId !== sessionId || action.expiresAt <= ctx.clock().getTime()) return null;
    // Only a path of ours (the same rule as every return address).
    if (safeReturnTo(ctx.config, action.path, '') !== action.path) return null;
    return action;
  } catch {
    return null;
  }
}

/**
 * Runs the pending action again with the re-authenticated session (`sessionToken`), and answers with what
 * it answered. False when there is none to run (the caller then goes back as usual).
 */
export async function resumePendingAction(
  ctx: Ctx,
  request: FastifyRequest,
  reply: FastifyReply,
  resume: unknown,
  sessionId: string,
  sessionToken: string,
): Promise<boolean> {
  const action = openPendingAction(ctx, resume, sessionId);
  if (!action) return false;
  const names = cookieNames(ctx.config);
  const csrf = csrfField(ctx, request, reply);
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(action.fields)) {
    for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
  }
  form.append('_csrf', csrf);
  // The answer speaks the language this request does: the browser's choice and languages go along.
  const chosen = request.cookies[LANGUAGE_COOKIE];
  const language = isLocale(chosen) ? chosen : null;
  const acceptLanguage = request.headers['accept-language'];
  const answer = await request.server.inject({
    method: 'POST',
    url: action.path,
    remoteAddress: request.ip,
    headers: {
      origin: ctx.config.publicOrigin,
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': String(request.headers['user-agent'] ?? ''),
      ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
      cookie: `${names.session}=${sessionToken}; ${names.csrf}=${request.cookies[names.csrf] ?? ''}${language ? `; ${LANGUAGE_COOKIE}=${language}` : ''}`,
    },
    payload: form.toString(),
  });
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || ['content-length', 'transfer-encoding', 'connection', 'x-request-id'].includes(name))
      continue;
    reply.header(name, value);
  }
  reply.status(answer.statusCode).send(answer.rawPayload);
  return true;
}
