/**
 * The closed set of error codes, each mapped once to an HTTP status and a public message.
 * Code throws `new AppError('code')` (optionally with a safer, more specific message or details);
 * the HTTP layer renders it as {"error":{"code","message",...details}}. docs/errors.md lists them all and a
 * test keeps the two in sync.
 */

export const ERRORS = {
  invalid_request: { status: 400, message: 'The request is not valid.' },
  password_rejected: { status: 400, message: 'That password cannot be used.' },
  exemption_too_long: { status: 400, message: 'An exemption can last at most 90 days.' },
  accent_contrast_too_low: {
    status: 400,
    message:
      'That accent colour is too light: white text on it and links on the page need a contrast of at least 4.5:1.',
  },
  deadline_too_late: { status: 400, message: 'That deadline is later than an extension may reach.' },
  invalid_credentials: { status: 401, message: 'The email or password is incorrect.' },
  unauthenticated: { status: 401, message: 'You need to sign in.' },
  invalid_code: { status: 401, message: 'That code is not valid.' },
  challenge_expired: { status: 401, message: 'The sign-in has expired. Please start again.' },
  invalid_token: { status: 400, message: 'This link is invalid or has expired.' },
  csrf_failed: { status: 403, message: 'The request could not be verified. Reload the page and try again.' },
  reauthentication_required: { status: 403, message: 'Please confirm your password to continue.' },
  forbidden: { status: 403, message: 'You are not allowed to do that.' },
  method_not_allowed_by_org: {
    status: 403,
    message: 'Your organization does not allow this sign-in method. Choose another one.',
  },
  authenticator_not_allowed: {
    status: 403,
    message: 'Your organization does not accept this model of passkey or security key.',
  },
  two_factor_enrollment_required: { status: 403, message: 'Set up two-factor authentication to continue.' },
  member_of_other_org: {
    status: 403,
    message:
      "This person also belongs to an organization where you can't manage them, and this action affects their whole account.",
  },
  account_suspended: {
    status: 403,
    message: 'This account is suspended. Ask an admin of your organization to reactivate it.',
  },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  conflict: { status: 409, message: 'That conflicts with the current state.' },
  email_taken: { status: 409, message: 'An account with that email already exists.' },
  already_set_up: { status: 409, message: 'twofold is already set up.' },
  last_owner: { status: 409, message: 'An organization needs at least one owner.' },
  break_glass_taken: { status: 409, message: 'This organization already has a break-glass account.' },
  two_factor_required_by_org: { status: 409, message: 'Your organization requires two-factor authentication.' },
  recovery_unavailable: { status: 409, message: 'Account recovery is not possible right now.' },
  logo_type_not_allowed: { status: 415, message: 'The logo must be a PNG or JPEG image.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send JSON with Content-Type: application/json.' },
  too_many_attempts: { status: 429, message: 'Too many attempts. Try again later.' },
  rate_limited: { status: 429, message: 'Too many requests. Try again later.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
  delivery_failed: { status: 502, message: "We couldn't send the message. Try again or use another method." },
  unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryAfterSeconds: number | null;

  constructor(
    code: ErrorCode,
    options: { message?: string; details?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(options.message ?? ERRORS[code].message);
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = options.details ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}
