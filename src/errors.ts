/**
 * The closed set of error codes, each mapped once to an HTTP status; its public message is the English
 * catalogue's `errors:codes.<code>` (src/i18n), and pages show it in the reader's language.
 * Code throws `new AppError('code')` (optionally with a safer, more specific message or details);
 * the HTTP layer renders it as {"error":{"code","message",...details}}. docs/errors.md lists them all and a
 * test keeps the two in sync.
 */
import { english, type MessageKey, type MessageValues } from './i18n/index.ts';

export const ERRORS = {
  invalid_request: { status: 400 },
  password_rejected: { status: 400 },
  exemption_too_long: { status: 400 },
  accent_contrast_too_low: { status: 400 },
  deadline_too_late: { status: 400 },
  invalid_credentials: { status: 401 },
  unauthenticated: { status: 401 },
  invalid_code: { status: 401 },
  challenge_expired: { status: 401 },
  invalid_token: { status: 400 },
  csrf_failed: { status: 403 },
  reauthentication_required: { status: 403 },
  forbidden: { status: 403 },
  method_not_allowed_by_org: { status: 403 },
  authenticator_not_allowed: { status: 403 },
  two_factor_enrollment_required: { status: 403 },
  member_of_other_org: { status: 403 },
  account_suspended: { status: 403 },
  not_found: { status: 404 },
  method_not_allowed: { status: 405 },
  conflict: { status: 409 },
  email_taken: { status: 409 },
  already_set_up: { status: 409 },
  last_owner: { status: 409 },
  break_glass_taken: { status: 409 },
  two_factor_required_by_org: { status: 409 },
  recovery_unavailable: { status: 409 },
  logo_type_not_allowed: { status: 415 },
  payload_too_large: { status: 413 },
  unsupported_media_type: { status: 415 },
  too_many_attempts: { status: 429 },
  rate_limited: { status: 429 },
  internal: { status: 500 },
  delivery_failed: { status: 502 },
  unavailable: { status: 503 },
} as const satisfies Record<string, { status: number }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryAfterSeconds: number | null;

  /** The catalogue text pages show in the reader's language (src/i18n); null for an untranslated message. */
  readonly messageKey: MessageKey | null;
  readonly messageValues: MessageValues;

  /**
   * `key`: a more specific text than the code's own (`errors:messages.…`), with its `values`. `message` (English
   * only) is for texts that come from elsewhere, e.g. a library's reason.
   */
  constructor(
    code: ErrorCode,
    options: {
      key?: MessageKey;
      values?: MessageValues;
      message?: string;
      details?: Record<string, unknown>;
      retryAfterSeconds?: number;
    } = {},
  ) {
    const key: MessageKey | null = options.key ?? (options.message === undefined ? `errors:codes.${code}` : null);
    const values = options.values ?? {};
    super(key ? english.error({ message: '', messageKey: key, messageValues: values }) : (options.message ?? ''));
    this.messageKey = key;
    this.messageValues = values;
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = options.details ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}
