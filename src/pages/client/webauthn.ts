/**
 * Passkeys in the hosted pages, bundled by scripts/build-client.mjs into /static/webauthn.js (same origin,
 * so the strict CSP holds). It wires three kinds of elements:
 *   form[data-passkey-register]        "Add a passkey": options → browser ceremony → the form posts the response
 *   button[data-passkey-sign-in]       "Use your passkey" (second step) / "Sign in with a passkey" (passwordless)
 *   button[data-passkey-proof]         re-authentication and turning 2FA off with a passkey instead of a code
 * Buttons stay hidden where the browser has no WebAuthn. Messages are set with textContent only; their words
 * come from the page's error box (data-message-generic, -cancelled, -registered) in the reader's language,
 * with English as the fallback.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';

interface ApiAnswer {
  readonly ok: boolean;
  readonly data: { status?: string; checkup?: { due?: boolean }; error?: { code?: string; message?: string } } & Record<
    string,
    unknown
  >;
}

const MESSAGES = {
  generic: 'Something went wrong. Try again.',
  cancelled: 'The passkey request was cancelled or timed out. Try again, or choose another way.',
  registered: 'This passkey is already registered on your account.',
};

/** One of the script's messages, as the page words it (the error box's data-message-*), else in English. */
function text(element: Element, name: keyof typeof MESSAGES): string {
  const box = errorBoxFor(element);
  const key = `message${name[0]!.toUpperCase()}${name.slice(1)}`;
  return box?.dataset[key] || MESSAGES[name];
}

async function postJson(url: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const data = (await response.json().catch(() => ({}))) as ApiAnswer['data'];
  return { ok: response.ok, data };
}

function errorBoxFor(element: Element): HTMLElement | null {
  return (
    element.closest('section, form')?.querySelector<HTMLElement>('[data-passkey-error]') ??
    document.querySelector<HTMLElement>('[data-passkey-error]')
  );
}

function showError(element: Element, message: string): void {
  const box = errorBoxFor(element);
  if (!box) return;
  box.textContent = message;
  box.hidden = false;
}

function messageOf(element: Element, answer: ApiAnswer): string {
  return answer.data.error?.message ?? text(element, 'generic');
}

/** A ceremony the person cancelled, or one the browser refused, reads the same to them. */
function ceremonyMessage(element: Element, error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  const code = (error as { code?: string } | null)?.code;
  if (name === 'NotAllowedError' || name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED')
    return text(element, 'cancelled');
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return text(element, 'registered');
  return (error as { message?: string } | null)?.message ?? text(element, 'generic');
}

function hiddenInput(form: HTMLFormElement, name: string, value: string): void {
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = name;
  input.value = value;
  form.append(input);
}

async function register(form: HTMLFormElement, submit: HTMLButtonElement): Promise<void> {
  const label = (form.elements.namedItem('label') as HTMLInputElement | null)?.value.trim() ?? '';
  const options = await postJson('/api/v1/me/factors/passkey/options', { label });
  if (!options.ok) {
    if (options.data.error?.code === 'reauthentication_required')
      window.location.assign(`/profile/security/confirm?next=${encodeURIComponent('/profile/security/passkey')}`);
    else showError(form, messageOf(form, options));
    return;
  }
  try {
    const response = await startRegistration({ optionsJSON: options.data as never });
    hiddenInput(form, 'response', JSON.stringify(response));
    submit.disabled = true;
    form.submit();
  } catch (error) {
    showError(form, ceremonyMessage(form, error));
  }
}

async function signIn(button: HTMLElement, options: { autofill: boolean }): Promise<void> {
  const passwordless = button.dataset.passkeySignIn === 'passwordless';
  const request = await postJson(
    passwordless ? '/api/v1/sign-in/passkey/options?mode=passwordless' : '/api/v1/sign-in/passkey/options',
  );
  if (!request.ok) {
    if (!options.autofill) showError(button, messageOf(button, request));
    return;
  }
  let response;
  try {
    response = await startAuthentication({ optionsJSON: request.data as never, useBrowserAutofill: options.autofill });
  } catch (error) {
    if (!options.autofill) showError(button, ceremonyMessage(button, error));
    return;
  }
  const trust = document.querySelector<HTMLInputElement>('input[name="trustDevice"]');
  const answer = await postJson('/api/v1/sign-in/passkey', {
    response,
    ...(trust && !passwordless ? { trustDevice: trust.checked } : {}),
  });
  if (answer.ok && answer.data.status === 'second_factor_required') return window.location.assign('/sign-in/challenge');
  const next = button.dataset.next ?? '/profile';
  // The 2FA check-up, when due, comes between the sign-in and where the person was going.
  if (answer.ok && answer.data.checkup?.due)
    return window.location.assign(`/sign-in/checkup?next=${encodeURIComponent(next)}`);
  if (answer.ok) return window.location.assign(next);
  if (answer.data.error?.code === 'challenge_expired')
    return window.location.assign('/sign-in?error=challenge_expired');
  showError(button, messageOf(button, answer));
}

async function prove(button: HTMLButtonElement): Promise<void> {
  const form = button.form;
  if (!form) return;
  const password = form.querySelector<HTMLInputElement>('input[type="password"]');
  if (password && !password.reportValidity()) return;
  const request = await postJson('/api/v1/me/reauthenticate/passkey/options');
  if (!request.ok) return showError(button, messageOf(button, request));
  try {
    const response = await startAuthentication({ optionsJSON: request.data as never });
    // The typed-code fields step aside: disabled fields are not submitted.
    form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name="method"], [name="code"]').forEach((field) => {
      field.disabled = true;
    });
    hiddenInput(form, 'method', 'passkey');
    hiddenInput(form, 'code', JSON.stringify(response));
    form.submit();
  } catch (error) {
    showError(button, ceremonyMessage(button, error));
  }
}

function wire(): void {
  if (!browserSupportsWebAuthn()) {
    document.querySelectorAll<HTMLElement>('[data-passkey-unsupported]').forEach((note) => {
      note.hidden = false;
    });
    return;
  }
  document.querySelectorAll<HTMLFormElement>('form[data-passkey-register]').forEach((form) => {
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (!submit) return;
    submit.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (form.reportValidity()) void register(form, submit);
    });
  });
  document.querySelectorAll<HTMLElement>('[data-passkey-sign-in]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => void signIn(button, { autofill: false }));
  });
  document.querySelectorAll<HTMLButtonElement>('button[data-passkey-proof]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => void prove(button));
  });
  // Conditional UI: passkeys offered in the email field's autofill where the browser supports it.
  const passwordless = document.querySelector<HTMLElement>('[data-passkey-sign-in="passwordless"]');
  if (passwordless && document.querySelector('input[autocomplete~="webauthn"]')) {
    void browserSupportsWebAuthnAutofill().then((supported) =>
      supported ? signIn(passwordless, { autofill: true }) : undefined,
    );
  }
}

wire();
