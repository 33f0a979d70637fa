/**
 * English error texts. `codes`: the default text of each error code (src/errors.ts), the `message` of a JSON
 * error answer and what a page shows. `messages`: more specific texts some failures carry instead.
 */
export default {
  codes: {
    invalid_request: 'The request is not valid.',
    password_rejected: 'That password cannot be used.',
    exemption_too_long: 'An exemption can last at most 90 days.',
    accent_contrast_too_low:
      'That accent colour is too light: white text on it and links on the page need a contrast of at least 4.5:1.',
    deadline_too_late: 'That deadline is later than an extension may reach.',
    invalid_credentials: 'The email or password is incorrect.',
    unauthenticated: 'You need to sign in.',
    invalid_code: 'That code is not valid.',
    challenge_expired: 'The sign-in has expired. Please start again.',
    invalid_token: 'This link is invalid or has expired.',
    csrf_failed: 'The request could not be verified. Reload the page and try again.',
    reauthentication_required: 'Please confirm your password to continue.',
    forbidden: 'You are not allowed to do that.',
    method_not_allowed_by_org: 'Your organization does not allow this sign-in method. Choose another one.',
    authenticator_not_allowed: 'Your organization does not accept this model of passkey or security key.',
    two_factor_enrollment_required: 'Set up two-factor authentication to continue.',
    member_of_other_org:
      "This person also belongs to an organization where you can't manage them, and this action affects their whole account.",
    account_suspended: 'This account is suspended. Ask an admin of your organization to reactivate it.',
    not_found: 'Not found.',
    method_not_allowed: 'Method not allowed.',
    conflict: 'That conflicts with the current state.',
    email_taken: 'An account with that email already exists.',
    already_set_up: 'twofold is already set up.',
    last_owner: 'An organization needs at least one owner.',
    break_glass_taken: 'This organization already has a break-glass account.',
    two_factor_required_by_org: 'Your organization requires two-factor authentication.',
    recovery_unavailable: 'Account recovery is not possible right now.',
    logo_type_not_allowed: 'The logo must be a PNG or JPEG image.',
    payload_too_large: 'The request body is too large.',
    unsupported_media_type: 'Send JSON with Content-Type: application/json.',
    too_many_attempts: 'Too many attempts. Try again later.',
    rate_limited: 'Too many requests. Try again later.',
    internal: 'Something went wrong on our side.',
    delivery_failed: "We couldn't send the message. Try again or use another method.",
    unavailable: 'The service is temporarily unavailable.',
  },
  messages: {
    unknownLocale: 'Choose English (en) or Spanish (es).',
    unknownTimeZone: 'Choose a time zone from the list, like America/Chicago.',
    specialCharacters: 'Remove the special characters from this field.',
  },
};
