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
    request: {
      urlInvalid: 'The URL is not valid.',
      jsonEmpty: 'The JSON body is empty.',
      jsonInvalid: 'The body is not valid JSON.',
      unknownField: 'Unknown field "{{field}}".',
      fieldRequired: '"{{field}}" is required.',
      fieldInvalid: '"{{field}}" is not valid.',
      /** `reason`: the schema validator's own (English) words, e.g. "must NOT have more than 100 characters". */
      fieldInvalidBecause: '"{{field}}" {{reason}}.',
    },
    service: {
      shuttingDown: 'This instance is shutting down.',
      redisDown: 'Redis does not answer.',
      databaseDown: 'The database does not answer.',
      metricsToken: 'Send the metrics token as a Bearer token.',
    },
    csrf: {
      originMismatch: 'Cross-site request refused: the Origin does not match.',
      originMissing: 'Requests with a session cookie must send an Origin header.',
    },
    apiKeys: {
      invalid: 'The API key is not valid.',
      readOnly: 'This API key is read-only.',
      otherOrg: "An organization's API key only works on that organization's routes.",
      nameMissing: 'Give the key a name.',
    },
    accounts: {
      emailInvalid: 'Enter a valid email address.',
      busy: 'Many people are signing in right now. Try again in a moment.',
      currentPasswordIncorrect: 'Your current password is incorrect.',
    },
    password: {
      tooShort: 'Use at least {{min}} characters.',
      tooLong: 'Use at most {{max}} characters.',
      common: 'This password is too common: it appears in lists attackers try first.',
      containsEmail: 'The password must not contain your email address.',
      containsOrgName: 'The password must not contain the organization name.',
    },
    code: {
      expired: 'That code has expired. Ask for a new one.',
      replayed: 'That code was already used. Wait for the next code and try again.',
      wait_one: 'Wait {{count}} seconds before asking for a new code.',
      wait_other: 'Wait {{count}} seconds before asking for a new code.',
      tooManySent: 'Too many codes were sent. Try again later, or use another method.',
      clockAhead_one:
        "That code is not valid. Your device's clock seems to be about {{count}} minute ahead: set it to update automatically and try again.",
      clockAhead_other:
        "That code is not valid. Your device's clock seems to be about {{count}} minutes ahead: set it to update automatically and try again.",
      clockBehind_one:
        "That code is not valid. Your device's clock seems to be about {{count}} minute behind: set it to update automatically and try again.",
      clockBehind_other:
        "That code is not valid. Your device's clock seems to be about {{count}} minutes behind: set it to update automatically and try again.",
    },
    totp: {
      setupExpired: 'This setup has expired. Start again to get a new QR code.',
      codeMismatch: "That code didn't match — check the time on your phone, then enter the code the app shows now.",
    },
    passkey: {
      nameMissing: 'Enter a name for the passkey.',
      setupExpired: 'This passkey setup has expired. Start again.',
      duplicate: 'This passkey is already registered.',
      notVerified: 'The passkey could not be verified. Try again.',
      unnamedModel:
        'Your organization accepts only certain security keys, and this one did not say what model it is. Use a key your organization gave you.',
      modelRefused:
        'Your organization does not accept this model of passkey or security key. Use a key your organization gave you.',
      unavailable: 'A passkey is not available for this sign-in. Choose another way.',
      signInFailed: 'That passkey could not be verified. Try again or choose another way.',
      passwordlessFailed: 'That passkey could not be verified. Try again, or sign in with your password.',
      notUserVerified:
        'This passkey did not verify you (no PIN, fingerprint or face), so it cannot sign you in alone. Sign in with your password.',
      noneRegistered: 'You have no passkey.',
    },
    emailCodes: {
      setupExpired: 'This setup has expired. Start again to get a new code.',
      alreadyOn: 'Email codes are already on for your account.',
      notOn: 'Email codes are not on for this account. Choose another way.',
    },
    phone: {
      setupExpired: 'This phone setup has expired. Start again to get a new code.',
      duplicate: 'This number is already on your account.',
      none: 'There is no phone number on this account. Choose another way.',
      countryRefused: 'Codes cannot be sent to phone numbers in this country. Choose another method.',
      deliveryFailed: "We couldn't send the code — try again or use another method.",
      enterNumber: 'Enter a phone number, e.g. +1 201 555 0123.',
      invalidNumber: 'That is not a valid phone number. Check the digits and the country.',
      chooseCountry: 'Choose the country, or start the number with + and the country code.',
    },
    factors: {
      nameMissing: 'Enter a name.',
    },
    signIn: {
      emailCodeExpected: 'Enter the code we sent to your email.',
      askEmailCode: 'Ask for a new code by email.',
      passkeyAlreadyUsed: 'A passkey already stood in for your password: choose another way for this step.',
    },
    reauthenticate: {
      codeMissing: 'Enter a code from your second factor too.',
    },
    twoFactor: {
      /** `orgs`: the organizations' names, joined with ", "; `count`: how many. */
      requiredByOrgUser_one:
        '{{orgs}} requires two-factor authentication for you, so it cannot be turned off. You can still add, change or remove methods while one is left.',
      requiredByOrgUser_other:
        '{{orgs}} requires two-factor authentication for you, so it cannot be turned off. You can still add, change or remove methods while one is left.',
      requiredByOrgLastFactor_one:
        '{{orgs}} requires two-factor authentication for you, so your last method cannot be removed. Add another method before removing this one.',
      requiredByOrgLastFactor_other:
        '{{orgs}} requires two-factor authentication for you, so your last method cannot be removed. Add another method before removing this one.',
      currentCodeMissing: 'Enter a current code too.',
      notOn: 'Turn on two-factor authentication first.',
    },
    checkup: {
      nothingDue: 'There is no two-factor check-up to answer right now.',
      alreadyAnswered: 'The check-up was already answered.',
    },
    emailVerification: {
      alreadyConfirmed: 'Your email address is already confirmed.',
    },
    recovery: {
      tooManyLinks: 'Too many recovery links were opened from your network. Try again later.',
      /** `when`: the moment, as "2026-11-24 12:00 UTC"; `days`: the wait after a password reset by email. */
      unavailable:
        'Account recovery is possible from {{when}}: the password of this account was reset by email less than {{days}} days ago, and email alone cannot also remove two-factor authentication. If you still have a backup code or another two-factor method, use it instead, or ask your administrator.',
      nothingToCancel: 'There is no recovery to cancel.',
    },
    orgs: {
      nameLength: 'The organization name must be 2–100 characters.',
    },
    members: {
      adminsChangeOwners: 'Admins cannot change owners or make new owners.',
      adminsRemoveOwners: 'Admins cannot remove owners.',
      ownerInvitesOwner: 'Only an owner can invite another owner.',
      alreadyMember: 'That person is already a member.',
      selfSuspend: 'You cannot suspend or reactivate your own account.',
      adminsSuspendOwners: 'Admins cannot suspend or reactivate owners.',
      selfReset: 'You cannot reset your own two-factor authentication here. Use your Security page.',
      adminsResetOwner: "Admins cannot reset an owner's two-factor authentication.",
    },
    /** An account-wide action on someone the actor cannot manage in one of their organizations. */
    accountWide: {
      suspend:
        "You can't suspend this account: this person also belongs to an organization where you can't manage them, and it would affect their whole account. Ask an owner who manages them everywhere, or the server's operator (twofold reset-2fa).",
      reactivate:
        "You can't reactivate this account: this person also belongs to an organization where you can't manage them, and it would affect their whole account. Ask an owner who manages them everywhere, or the server's operator (twofold reset-2fa).",
      resetTwoFactor:
        "You can't reset their two-factor authentication: this person also belongs to an organization where you can't manage them, and it would affect their whole account. Ask an owner who manages them everywhere, or the server's operator (twofold reset-2fa).",
    },
    exemptions: {
      selfGrant: 'You cannot grant an exemption for yourself. Ask another owner.',
      selfEnd: 'You cannot end an exemption for yourself. Ask another owner.',
      selfExtend: 'You cannot extend the deadline for yourself. Ask another owner.',
      adminsGrant: 'Admins cannot grant an exemption for an owner.',
      adminsEnd: 'Admins cannot end an exemption for an owner.',
      adminsExtend: 'Admins cannot extend the deadline for an owner.',
      isoTime: 'Give a date and time in ISO 8601, e.g. 2026-12-31T17:00:00Z.',
      reason: 'Give a reason (at most {{max}} characters); it is kept in the audit log.',
      breakGlassOwnerOnly: 'Only an owner can designate or change the break-glass account.',
      breakGlassChange: 'Only an owner can change the break-glass account.',
      breakGlassNoEnd: 'The break-glass account has no end date: leave out expiresAt.',
      endInPast: 'The end of an exemption must be in the future.',
      tooLong: 'An exemption can last at most {{maxDays}} days. Only the one break-glass account has no end date.',
      deadlineInPast: 'The new deadline must be in the future.',
      deadlineTooLate:
        'A deadline can be extended to at most {{maxDays}} days from now, the longest grace period an organization may set.',
    },
    policy: {
      emailCodes: 'Your organization does not allow email codes as a sign-in method. Choose another one.',
      phishingResistant:
        'Your organization accepts only passkeys and security keys. Sign in with a passkey, or use a backup code and add a passkey in Profile → Security.',
      saferMethod: 'Allow at least the authenticator app or passkeys.',
    },
    branding: {
      hexColour: 'The accent colour must be a hex colour like #1d4ed8.',
      contrast:
        'That accent colour has a contrast of {{ratio}}:1 with white text or the page background; at least {{minimum}}:1 is needed. Choose a darker colour.',
      logoTooLarge: 'The logo is larger than {{kb}} KB.',
    },
    forwardAuth: {
      signIn: 'Sign in to continue.',
      hostFormat: 'Enter the host name as the proxy sees it, e.g. app.example.com or app.example.com:8443.',
      unknownRole: 'Unknown role.',
      tooManyHosts: 'An organization can protect at most {{max}} hosts.',
      notProtected: 'This link does not come from an app protected by twofold.',
      hostTaken: 'That host is already protected by twofold.',
    },
    webhooks: {
      noEvents: 'Choose at least one event.',
      unknownEvent: 'Unknown event type: {{event}}.',
      tooMany: 'An organization can have at most {{max}} webhook endpoints.',
      secretOverlap: 'Keep the old secret 0–{{max}} hours.',
      disabled: 'Turn the endpoint back on before sending messages to it again.',
      urlTooLong: 'Use a URL of at most {{max}} characters.',
      urlNotFull: 'Enter a full URL, e.g. https://example.com/hooks/twofold.',
      urlHttps: 'Webhook URLs must use https.',
      urlCredentials: 'Put no user name or password in the URL: use the signing secret.',
      urlFragment: 'Webhook URLs cannot have a #fragment.',
      urlPrivate: 'That address is private, loopback or reserved: webhooks go to public addresses.',
      urlLocalhost: 'Webhooks go to public addresses, not localhost.',
    },
    /** OpenID Connect apps; `field` is the API field name (redirectUris, postLogoutRedirectUris, …). */
    apps: {
      nameMissing: 'Give the app a name.',
      redirectUriMissing: 'Add at least one redirect URI.',
      tooManyUris: 'At most {{max}} addresses of each kind.',
      tooManyApps: 'An organization can register at most {{max}} apps.',
      publicNoSecret: 'A public app has no secret.',
      secretOverlap: 'The old secret can keep working for 0 to {{max}} hours.',
      uriLength: '{{field}}: each address must be 1–{{max}} characters.',
      uriNotAbsolute: '{{field}}: "{{value}}" is not an absolute URL.',
      uriFragment: '{{field}}: an address must not contain a fragment (#).',
      uriCredentials: '{{field}}: an address must not contain a user name or password.',
      uriHttpLocalhost: '{{field}}: http is only allowed for localhost; use https.',
      uriScheme:
        '{{field}}: use https (http only for localhost; public native apps may use a reverse-domain scheme such as com.example.app:/callback).',
      backchannelPrivate:
        '{{field}}: twofold calls this address from its server, so it must be a public address, not localhost or a private network.',
    },
  },
};
