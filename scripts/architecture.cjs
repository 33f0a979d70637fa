/**
 * The entry points of src/ (docs/architecture.md): the HTTP routes, pages and views, the OpenID Connect
 * provider, and the app factory, server and CLI. They sit on top and may import anything below; nothing below
 * imports them. Shared by .dependency-cruiser.cjs and scripts/check-module-cycles.mjs.
 */
module.exports = {
  /**
   * Module cycles that exist today and are being taken apart (docs/architecture.md "Where we are"): the check
   * fails on any other cycle, or on one that grows beyond these. Shrink this list; never add to it.
   */
  KNOWN_CYCLES: [['accounts', 'factors', 'oidc', 'orgs', 'recovery', 'sessions']],
  ENTRY: '^src/(app|cli|server|compose)[.]ts$|^src/(http|pages)/|(routes|pages|views)[.]ts$|^src/oidc/provider[.]ts$',
};
