/** Small building blocks shared by the hosted pages: form fields, buttons, times, flashes, form errors. */
import type { FastifyReply } from 'fastify';
import { AppError, type ErrorCode } from '../errors.ts';
import { html, type Html } from '../core/html.ts';
import type { LocalizableError, T } from '../i18n/index.ts';
import { ROLES, type Role } from '../db/schema.ts';

/**
 * One text value from a urlencoded body or a query string. A repeated or missing field reads as '';
 * the value is cut at `maxChars` so a page never hands a service an unbounded string.
 */
export function textField(source: unknown, name: string, maxChars = 1000): string {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.slice(0, maxChars) : '';
}

// Matching control characters is the point here (they are refused in names and labels).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * A text field that will be stored (names, emails): like the JSON schemas, control characters are refused
 * (PostgreSQL cannot store NUL in text, and nobody types them into a name or an address).
 */
export function plainText(source: unknown, name: string, maxChars = 320): string {
  const value = textField(source, name, maxChars);
  if (CONTROL_CHARACTERS.test(value))
    throw new AppError('invalid_request', { key: 'errors:messages.specialCharacters', details: { field: name } });
  return value;
}

const LINK_TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

/** The `token` of an emailed link (base64url), or '' when it cannot be one. */
export function linkToken(source: unknown): string {
  const value = textField(source, 'token', 200);
  return LINK_TOKEN.test(value) ? value : '';
}

export function csrfInput(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

export interface InputOptions {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'password';
  readonly value?: string;
  readonly autocomplete?: string;
  readonly required?: boolean;
  readonly hint?: string;
  /** Marks the field as the one the error message is about. */
  readonly invalid?: boolean;
  readonly maxlength?: number;
  readonly autofocus?: boolean;
}

/** A labelled input, with its hint tied to it by aria-describedby. Passwords never get their value back. */
export function input(o: InputOptions): Html {
  const type = o.type ?? 'text';
  const hintId = o.hint ? `${o.id}-hint` : null;
  return html`<label for="${o.id}">${o.label}</label>
    <input id="${o.id}" name="${o.name}" type="${type}"${type === 'password' || !o.value ? '' : html` value="${o.value}"`}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required === false ? '' : html` required`}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${hintId ? html` aria-describedby="${hintId}"` : ''}${o.invalid ? html` aria-invalid="true"` : ''}${o.autofocus ? html` autofocus` : ''}${type === 'email' ? html` spellcheck="false" autocapitalize="none"` : ''}>
    ${hintId ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : ''}`;
}

/** A one-button form (revoke, remove…): state changes are always POSTs with the CSRF field. */
export function postButton(
  action: string,
  csrf: string,
  label: Html | string,
  kind: 'primary' | 'secondary' | 'danger' = 'secondary',
): Html {
  return html`<form method="post" action="${action}" class="inline">${csrfInput(csrf)}<button type="submit" class="${kind === 'primary' ? '' : kind} small">${label}</button></form>`;
}

/**
 * A moment as a `<time>` element in the reader's language and saved time zone ("2026-11-24 12:00 UTC",
 * "24 nov 2026, 12:00 UTC"). Without a saved zone, /static/local-time.js (on every page) rewrites it in the
 * browser's zone: "Wed 25 Nov, 07:00 your time".
 */
export function moment(t: T, iso: string | null | undefined): Html {
  if (!iso) return html`—`;
  return t.timeZone
    ? html`<time datetime="${iso}">${t.when(iso)}</time>`
    : html`<time datetime="${iso}" data-local="${t('common:time.yourTime', { time: '%s' })}">${t.when(iso)}</time>`;
}

/** The success message named by `?done=` (a fixed vocabulary, so the URL never carries text or secrets). */
export function flash(query: unknown, messages: Readonly<Record<string, string>>): string | null {
  const key = textField(query, 'done', 64);
  return Object.hasOwn(messages, key) ? messages[key]! : null;
}

export interface FormError extends LocalizableError {
  readonly code: ErrorCode;
  readonly status: number;
  /** The form field the message is about (details.field), when the service named one. */
  readonly field: string | null;
}

/**
 * Turns an expected failure into what the form shows next to itself; anything unexpected (or a 5xx)
 * is rethrown for the error handler. Keeps Retry-After on 429s.
 */
export function formError(error: unknown, reply: FastifyReply): FormError {
  if (!(error instanceof AppError) || error.status >= 500) throw error;
  if (error.retryAfterSeconds !== null) reply.header('Retry-After', String(error.retryAfterSeconds));
  const field = typeof error.details.field === 'string' ? error.details.field : null;
  return {
    code: error.code,
    status: error.status,
    message: error.message,
    messageKey: error.messageKey,
    messageValues: error.messageValues,
    field,
  };
}

/** A role's name ("Owner", "Propietario"). */
export function roleLabel(t: T, role: string): string {
  return isRole(role) ? t(`common:roles.${role}`) : role;
}

function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}
