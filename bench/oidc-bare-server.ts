/**
 * The OpenID Connect ceiling of the benchmark: oidc-provider alone (the version twofold uses), with its
 * in-memory adapter, one confidential client (client_secret_basic, PKCE required — the same settings as
 * twofold's apps), mounted at /oidc like twofold's, and an interaction at /authorize/:uid that signs the
 * browser in at once as the account named by its `tf_session` cookie and grants the `openid` scope. So the
 * loader runs the very same flow as phase i (auth → /authorize/:uid → /oidc/auth/:uid → code → token) with
 * no passwords, no database and no twofold rules: what the protocol costs by itself.
 *
 *   node --import tsx bench/oidc-bare-server.ts --port P --client-id ID --client-secret S --redirect-uri URI
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
  },
});
const port = Number(values.port);
const origin = `http://127.0.0.1:${port}`;
const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(`${origin}/oidc`, {
  clients: [
    {
      client_id: values['client-id']!,
      client_secret: values['client-secret']!,
      redirect_uris: [values['redirect-uri']!],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/authorize/${interaction.uid}` },
  jwks: { keys: [{ ...key, kid: 'bench', alg: 'RS256', use: 'sig' } as never] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
});
provider.proxy = true;

const server = http.createServer(async (request, response) => {
  const url = request.url ?? '/';
  if (url.startsWith('/oidc')) {
    // Mounted under /oidc as twofold mounts it: the provider builds paths and cookie paths from originalUrl.
    (request as http.IncomingMessage & { originalUrl?: string }).originalUrl = url;
    request.url = url.slice('/oidc'.length) || '/';
    return provider.callback()(request, response);
  }
  if (url.startsWith('/authorize/')) {
    try {
      const details = await provider.interactionDetails(request, response);
      const account = /(?:^|;\s*)tf_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1] ?? 'anonymous';
      const grant = new provider.Grant({ accountId: account, clientId: String(details.params.client_id) });
      grant.addOIDCScope('openid');
      const grantId = await grant.save();
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: account }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    } catch {
      response.writeHead(400).end('interaction failed');
    }
    return;
  }
  response.writeHead(404).end();
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`oidc-bare listening on ${origin}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
