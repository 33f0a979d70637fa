/** English texts shared by every page: the page shell, navigation, roles, method names, small words. */
export default {
  layout: {
    skip: 'Skip to content',
    menu: 'Menu',
    mainNav: 'Main',
    signOut: 'Sign out',
    languages: 'Language',
  },
  nav: {
    profile: 'Profile',
    security: 'Security',
    people: 'People',
    compliance: '2FA compliance',
    organization: 'Organization',
    apps: 'Apps',
    audit: 'Audit log',
  },
  languageNames: {
    en: 'English',
    es: 'Español',
  },
  roles: {
    owner: 'Owner',
    admin: 'Admin',
    staff: 'Staff',
    client: 'Client',
  },
  roleNamesPlural: {
    owner: 'Owners',
    admin: 'Admins',
    staff: 'Staff',
    client: 'Clients',
  },
  methods: {
    totp: 'Authenticator app',
    passkey: 'Passkey',
    phone: 'Text message or call',
    sms: 'Text message',
    voice: 'Phone call',
    email: 'Email code',
    backup_code: 'Backup code',
  },
  actions: {
    cancel: 'Cancel',
    save: 'Save',
    continue: 'Continue',
    back: 'Back',
    remove: 'Remove',
    confirm: 'Confirm',
    copy: 'Copy',
    copied: 'Copied',
    signIn: 'Sign in',
  },
  words: {
    never: 'never',
    none: 'none',
    yes: 'Yes',
    no: 'No',
    you: 'you',
    thisBrowser: 'This browser',
  },
  count: {
    days_one: '{{count}} day',
    days_other: '{{count}} days',
    hours_one: '{{count}} hour',
    hours_other: '{{count}} hours',
    minutes_one: '{{count}} minute',
    minutes_other: '{{count}} minutes',
    seconds_one: '{{count}} second',
    seconds_other: '{{count}} seconds',
  },
  recoveryBanner: {
    completed:
      '<strong>Your account was recovered on {{when}}.</strong> Its two-factor methods, backup codes and trusted browsers were removed. If this was not you, change your password now and contact your administrator.',
    pending:
      '<strong>Someone started recovery of your account.</strong> On {{when}} your two-factor methods will be removed. If this was not you, cancel it and change your password.',
    pendingDelayed:
      '<strong>Someone started recovery of your account.</strong> On {{when}} your two-factor methods will be removed (delayed: the password was reset by email since). If this was not you, cancel it and change your password.',
    cancel: 'Cancel recovery',
  },
  errorPage: {
    notFoundTitle: 'Not found',
    notFoundHeading: 'Page not found',
    failedTitle: 'Something went wrong',
    failedHeading: 'We could not do that',
    code: 'Error code: {{code}} — quote it if you contact support.',
    home: 'Go to the start page',
  },
  time: {
    yourTime: '{{time}} your time',
  },
};
