/**
 * The entry points of src/ (docs/architecture.md): the HTTP routes, pages and views, the OpenID Connect
 * provider, and the app factory, server and CLI. They sit on top and may import anything below; nothing below
 * imports them. Shared by .dependency-cruiser.cjs and scripts/check-module-cycles.mjs.
 */
module.exports = {
  /** Module cycles tolerated while being taken apart: none are left, and none may come back. */
  KNOWN_CYCLES: [],
  ENTRY: '^src/(app|cli|server|compose)[.]ts$|^src/(http|pages)/|(routes|pages|views)[.]ts$|^src/oidc/provider[.]ts$',
};
