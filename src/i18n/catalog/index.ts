/**
 * Every language's catalogues, one module per namespace (a part of the product). English is the source:
 * its keys are the ones code may use (checked by the compiler), and test/unit/i18n-catalog.test.ts fails
 * when another language misses a key, a plural form or a placeholder, or has a key English does not.
 */
import enAccount from './en/account.ts';
import enApps from './en/apps.ts';
import enAuth from './en/auth.ts';
import enCommon from './en/common.ts';
import enErrors from './en/errors.ts';
import enMail from './en/mail.ts';
import enOrg from './en/org.ts';
import enSecurity from './en/security.ts';
import esAccount from './es/account.ts';
import esApps from './es/apps.ts';
import esAuth from './es/auth.ts';
import esCommon from './es/common.ts';
import esErrors from './es/errors.ts';
import esMail from './es/mail.ts';
import esOrg from './es/org.ts';
import esSecurity from './es/security.ts';

export const en = {
  common: enCommon,
  errors: enErrors,
  auth: enAuth,
  account: enAccount,
  security: enSecurity,
  org: enOrg,
  apps: enApps,
  mail: enMail,
};

export const resources = {
  en,
  es: {
    common: esCommon,
    errors: esErrors,
    auth: esAuth,
    account: esAccount,
    security: esSecurity,
    org: esOrg,
    apps: esApps,
    mail: esMail,
  },
};
