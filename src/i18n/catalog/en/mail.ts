/** English texts: mail (src/i18n). The key structure here is the one every language follows. */
export default {
  /** The closing line of security notices. */
  notYou: 'If this was not you, change your password now and contact your organization administrator.',
  /** A recovery that a password reset leaves in place (src/mail/templates.ts recoveryParagraphs). */
  openRecovery: {
    started: 'Someone started recovery of your account: it would remove your two-factor methods on {{when}}.',
    linkEmailed: 'Someone asked for a recovery link for your account, which would remove your two-factor methods.',
    requested:
      'Resetting your password does not cancel it. No recovery can start or complete within {{days}} days after a password reset by email.',
    done: 'It was not cancelled: after this reset no recovery can start or complete for {{days}} days, and then only if it is not cancelled.',
    ifNotYou:
      'If you did not start it, sign in with one of your two-factor methods (that cancels it) or use the cancel link we sent when it started.',
  },
  emailCode: {
    subject: {
      signIn: 'Your sign-in code',
      setup: 'Confirm email codes for your account',
      reauthenticate: 'Your confirmation code',
      deviceCheck: 'Confirm a sign-in from a new device',
    },
    signIn: 'Your {{productName}} sign-in code is {{code}}.',
    setup: 'Your code to turn on email codes is {{code}}.',
    reauthenticate: 'Your {{productName}} confirmation code is {{code}}.',
    deviceCheck:
      'Your account is being signed in to from a device we had not seen before: {{browser}}, IP address {{ip}}, at {{when}}. To finish signing in, enter this code: {{code}}.',
    deviceCheckUnknown:
      'Your account is being signed in to from a device we had not seen before. To finish signing in, enter this code: {{code}}.',
    expires:
      "The code works once and expires in {{minutes}} minutes. Don't share it with anyone: {{productName}} never asks for it by phone or email.",
  },
  /** A role as a sentence names it ("… as staff."). */
  roles: {
    owner: 'owner',
    admin: 'admin',
    staff: 'staff',
    client: 'client',
  },
  invitation: {
    subject: "You're invited to {{orgName}}",
    invited: '{{inviterEmail}} invited you to join {{orgName}} as {{role}}.',
    expires: 'The invitation works once and expires on {{day}}.',
    link: 'Accept the invitation',
  },
  passwordReset: {
    subject: 'Reset your password',
    asked: 'Someone asked to reset the password of your account. The link works once, for one hour.',
    twoFactorStays: 'Resetting your password does not turn off two-factor authentication.',
    ignore: 'If you did not ask for this, ignore this email: your password stays as it is.',
    link: 'Choose a new password',
  },
  emailVerification: {
    subject: 'Confirm your email address',
    requested:
      'You asked to confirm the email address of your {{productName}} account. Open the link and press the button.',
    created:
      'An account on {{productName}} was created for this email address. Open the link and press the button to confirm it is yours: apps you sign in to may ask for a confirmed address.',
    expires: 'The link works once and expires on {{day}}.',
    unknown: 'If you do not know this account, ignore this email.',
    link: 'Confirm your email address',
  },
  passwordChanged: {
    subject: 'Your password was changed',
    changed: 'The password of your account was changed. Other signed-in sessions were signed out.',
    reset: 'The password of your account was reset. Other signed-in sessions were signed out.',
  },
  accountSuspended: {
    subject: 'Your account was suspended',
    byOperator:
      'The server operator suspended your account: you were signed out everywhere, and signing in, API keys and apps that sign you in stop working until it is reactivated.',
    byAdmin:
      'An administrator of your organization suspended your account: you were signed out everywhere, and signing in, API keys and apps that sign you in stop working until it is reactivated.',
    mistake: 'If you think this is a mistake, contact your organization administrator.',
  },
  accountReactivated: {
    subject: 'Your account was reactivated',
    body: 'Your account is active again: you can sign in as before.',
  },
  passwordLocked: {
    subject: 'Sign-in paused after failed attempts',
    body: 'There were too many wrong passwords for your account, so password sign-in is paused for {{minutes}} minutes.',
    reset: 'You can still reset your password by email.',
  },
  /** A method in a sentence ("An authenticator app was added…"), by factor id. */
  factors: {
    totp: 'An authenticator app',
    passkey: 'A passkey',
    backupCodes: 'Backup codes',
    email: 'Email codes',
    phone: 'A phone number for codes',
    other: 'A sign-in method',
  },
  factorAdded: {
    subject: 'A sign-in method was added',
    body: '{{what}} was added to your account as a second sign-in step.',
  },
  phoneChanged: {
    subject: 'Your phone number for codes was changed',
    body: 'Sign-in codes now go to {{newNumber}} instead of {{oldNumber}}.',
  },
  factorRemoved: {
    subject: 'A sign-in method was removed',
    body: '{{what}} was removed from your account.',
  },
  twoFactorDisabled: {
    subject: 'Two-factor authentication was turned off',
    body: 'Two-factor authentication is now off for your account. Trusted devices were forgotten.',
  },
  webhookDisabled: {
    subject: 'A webhook of {{orgName}} was turned off',
    body: 'The webhook endpoint {{url}} failed every delivery attempt for its last messages over about a day, so it was turned off.',
    fix: 'Check that the endpoint is up and answers 2xx, then turn it back on under Organization → Webhooks; failed messages can be sent again from its delivery log.',
  },
  twoFactorReset: {
    subject: 'Your two-factor authentication was reset',
    body: 'An administrator reset two-factor authentication on your account: your sign-in methods, backup codes and trusted browsers were removed and you were signed out everywhere.',
    again: 'Sign in again to set up a new method.',
  },
  pleaseEnable2fa: {
    subject: '{{orgName}} asks you to turn on two-factor authentication',
    why: "{{orgName}} protects its accounts with two-factor authentication: after your password, you confirm it's you with a code from an authenticator app on your phone. A stolen password alone is then not enough to get in.",
    how: 'Setting it up takes about two minutes: open the link, scan the QR code with an authenticator app (Google Authenticator, Authy, 1Password, Microsoft Authenticator…) and save your backup codes.',
    deadline:
      'Please set it up before {{day}}: after that date you will be asked to set it up before you can continue.',
    link: 'Set up two-factor authentication',
  },
  backupCodeUsed: {
    subject: 'A backup code was used',
    body_one: 'A backup code was used to sign in to your account. {{count}} unused backup code left.',
    body_other: 'A backup code was used to sign in to your account. {{count}} unused backup codes left.',
    low: 'You are running low: generate a new set from Profile → Security.',
  },
  backupCodesRegenerated: {
    subject: 'New backup codes were generated',
    body: 'A new set of backup codes was generated. The old codes no longer work.',
  },
  newSignIn: {
    subject: 'New sign-in to your account',
    body: 'Your account was signed in to from a device we had not seen before: {{browser}}, IP address {{ip}}, at {{when}}.',
  },
  passkeyCounterRegression: {
    subject: 'Possible cloned passkey',
    body: 'A sign-in with your passkey "{{label}}" was refused: the passkey reported a use count lower than one we saw before, which can mean it was copied.',
    advice:
      'If you did not try to sign in just now, remove this passkey in Profile → Security, add a new one, and change your password.',
  },
  secondFactorLocked: {
    subject: 'Two-factor sign-in paused after failed attempts',
    body: 'There were too many wrong two-factor codes for your account, so the second sign-in step is paused for {{minutes}} minutes.',
    advice: 'Someone who tries this already knows your password: change it now.',
  },
  recoveryLink: {
    subject: 'Recover access to your account',
    asked:
      'You asked to recover your account because you cannot use your two-factor methods. The link works once, for one hour.',
    delay:
      'For your security, recovery completes {{hours}} hours after you open the link. We will tell this address and your phone numbers at once, so that the real owner can cancel it.',
    cancel:
      'Until it completes you can cancel it: with the cancel link we send when it starts, by signing in with any of your two-factor methods, or with "Cancel recovery" on any page while signed in.',
    ignore: 'If you did not ask for this, ignore this email and change your password: someone knows it.',
    link: 'Start account recovery',
  },
  recoveryStarted: {
    subject: 'Someone started recovery of your account',
    body: 'Account recovery was started. On {{when}}, the next sign-in with your password will remove your two-factor methods.',
    ifNotYou:
      'If this was not you, cancel it now and change your password. Signing in with one of your two-factor methods also cancels it, and so does "Cancel recovery" on any page while signed in.',
    link: 'Cancel the recovery',
  },
  recoveryCompleted: {
    subject: 'Your account was recovered',
    body: 'Account recovery completed: your two-factor methods, backup codes and trusted browsers were removed and your other sessions were signed out.',
    again: 'Set up two-factor authentication again from Profile → Security.',
  },
  /** Codes and notices by text message or call (src/factors/phone/delivery.ts, src/recovery/notify.ts). */
  phone: {
    smsCode:
      "{{code}} is your {{productName}} verification code. It expires in {{minutes}} minutes. Don't share it with anyone.",
    voiceIntro: 'Your {{productName}} verification code is',
    voiceAgain: 'Again, your code is',
    recoveryCompleted:
      '{{productName}}: recovery of your account completed. Its two-factor methods, this number included, were removed. If this was not you, contact your administrator now.',
    recoveryStartedSms:
      '{{productName}}: someone started recovery of your account. Unless it is cancelled, its two-factor methods are removed on {{when}}. Not you? Cancel it: {{cancelUrl}}',
    recoveryStartedVoice:
      'This is {{productName}}. Someone started recovery of your account. Unless it is cancelled, its two-factor methods are removed on {{when}}. If this was not you, cancel it with the link we sent by email and text message, or contact your administrator.',
  },
  /** Exceptions to an org's 2FA requirement (src/mail/policy-templates.ts). */
  policy: {
    complianceLink: 'See the compliance view',
    breakGlassSubject: 'A break-glass account was designated in {{orgName}}',
    exemptionSubject: 'A 2FA exemption in {{orgName}}',
    breakGlass:
      '{{memberEmail}} is now the break-glass account of {{orgName}}: exempt from its two-factor requirement without an end date.',
    exemptUntil:
      '{{memberEmail}} is exempt from the two-factor requirement of {{orgName}} until {{when}}. After that the requirement applies again at once.',
    granted: 'Granted by {{byEmail}}. Reason: {{reason}}',
    endedSubject: 'A 2FA exemption in {{orgName}} was ended',
    breakGlassEnded:
      '{{memberEmail}} is no longer the break-glass account of {{orgName}}; the requirement applies again, with the usual deadline.',
    exemptionEnded:
      '{{memberEmail}} is no longer exempt from the two-factor requirement of {{orgName}}; the requirement applies again, with the usual deadline.',
    endedBy: 'Ended by {{byEmail}}.',
    extendedSubject: 'A 2FA deadline in {{orgName}} was extended',
    extended: '{{memberEmail}} has until {{when}} to turn on two-factor authentication for {{orgName}}.',
    extendedBy: 'Extended by {{byEmail}}.',
  },
};
