/**
 * Per-org branding over JSON (docs/api.md "Branding"): read and change the display name and accent colour,
 * upload or remove the logo; and the logo itself, served from twofold's own origin (so the pages' CSP keeps
 * `img-src 'self'`) with its exact type, a strong ETag and `X-Content-Type-Options: nosniff`.
 */
import type { FastifyInstance } from 'fastify';
import { BRANDING } from '../config/defaults.ts';
import { actingOf } from '../http/request.ts';
import { object, params, str } from '../http/schema.ts';
import { changeBranding, readBranding, removeLogo, uploadLogo } from '../flows/branding.ts';
import { getLogo, pageBrand } from './store.ts';

export async function brandingRoutes(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  // The logo's bytes, whatever Content-Type is claimed: the flow decides by the magic bytes.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BRANDING.logoMaxBytes }, (_request, body, done) =>
    done(null, body),
  );

  app.get(
    '/api/v1/orgs/:orgId/branding',
    { schema: { summary: "The organization's branding (owner/admin)", params: params(['orgId']) } },
    async (request) => {
      const { orgId } = request.params as { orgId: string };
      return { branding: await readBranding(ctx, actingOf(request), orgId) };
    },
  );

  app.patch(
    '/api/v1/orgs/:orgId/branding',
    {
      schema: {
        summary: 'Change the display name or accent colour (owner/admin, sudo); "" restores the default',
        params: params(['orgId']),
        body: object({ displayName: str(BRANDING.displayNameMaxLength), accentColor: str(7) }),
      },
    },
    async (request) => {
      const { orgId } = request.params as { orgId: string };
      const patch = request.body as { displayName?: string; accentColor?: string };
      return { branding: await changeBranding(ctx, actingOf(request), { orgId, patch }) };
    },
  );

  app.put(
    '/api/v1/orgs/:orgId/branding/logo',
    {
      config: { rawBody: true },
      schema: {
        summary: `Upload the logo: a PNG or JPEG body, at most ${BRANDING.logoMaxBytes / 1024} KiB (owner/admin, sudo)`,
        params: params(['orgId']),
        consumes: [...BRANDING.logoTypes],
      },
    },
    async (request) => {
      const { orgId } = request.params as { orgId: string };
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const declared = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      return { branding: await uploadLogo(ctx, actingOf(request), { orgId, bytes, declaredType: declared }) };
    },
  );

  app.delete(
    '/api/v1/orgs/:orgId/branding/logo',
    { schema: { summary: 'Remove the logo (owner/admin, sudo)', params: params(['orgId']) } },
    async (request) => {
      const { orgId } = request.params as { orgId: string };
      return { branding: await removeLogo(ctx, actingOf(request), orgId) };
    },
  );

  // The accent colour as the pages' custom property (a stylesheet: the CSP allows no inline style).
  app.get('/branding/:orgId/theme.css', { config: { public: true } }, async (request, reply) => {
    const { orgId } = request.params as { orgId: string };
    const brand = await pageBrand(ctx, orgId);
    if (!brand?.accentColor) return reply.callNotFound();
    const etag = `"${brand.accentColor.slice(1)}"`;
    reply.header('ETag', etag).header('Cache-Control', 'no-cache').header('X-Content-Type-Options', 'nosniff');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type('text/css; charset=utf-8').send(`:root { --brand: ${brand.accentColor}; }\n`);
  });

  // Public like the sign-in page that shows it. Only ever the bytes checked at upload, as their own type.
  app.get('/branding/:orgId/logo', { config: { public: true } }, async (request, reply) => {
    const { orgId } = request.params as { orgId: string };
    const logo = await getLogo(ctx, orgId);
    if (!logo) return reply.callNotFound();
    const etag = `"${logo.hash}"`;
    reply
      .header('ETag', etag)
      .header('Cache-Control', `public, max-age=${BRANDING.logoCacheSeconds}`)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Disposition', 'inline; filename="logo"');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type(logo.type).send(logo.bytes);
  });
}
