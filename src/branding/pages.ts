/**
 * Organization → Branding in the browser. Plain forms that work without script: the name and colour post a
 * form, the logo posts `multipart/form-data` (read here for its one file field). The same flows as the JSON
 * routes (src/branding/routes.ts) do the work; a change that needs "Confirm it's you" takes the pages' shared
 * detour.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BRANDING } from '../config/defaults.ts';
import { AppError } from '../errors.ts';
import { actingOf } from '../http/request.ts';
import { pageFrame } from '../pages/page.ts';
import { textField } from '../pages/ui.ts';
import { requireManager } from '../orgs/service.ts';
import { changeBranding, readBranding, removeLogo, uploadLogo } from '../flows/branding.ts';
import { brandingView, type BrandingForm } from './views.ts';
import type { LocalizableError, MessageKey } from '../i18n/index.ts';

/** What the page says after an action: a success text, or the refusal (shown in the reader's language). */
type Message =
  | { readonly kind: 'success'; readonly key: MessageKey }
  | { readonly kind: 'error'; readonly error: LocalizableError; readonly field?: string };

interface UploadedFile {
  readonly type: string;
  readonly bytes: Buffer;
}

/** Room for the form's other fields and the part headers beside the logo itself. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/**
 * A `multipart/form-data` body (RFC 7578) → its fields: text as strings, files as their bytes and declared
 * type. Enough for the logo form (one file, a CSRF field); anything malformed is a 400.
 */
function parseMultipart(body: Buffer, contentType: string): Record<string, string | UploadedFile> {
  const boundary = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  if (!boundary) throw new AppError('invalid_request');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string | UploadedFile> = {};
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) throw new AppError('invalid_request');
    // Each part: CRLF, headers, a blank line, the content, CRLF before the next delimiter.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new AppError('invalid_request');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name) {
      const isFile = /content-disposition:[^\r\n]*\bfilename="/i.test(headers);
      const type = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim().toLowerCase() ?? '';
      fields[name] = isFile ? { type, bytes: Buffer.from(content) } : content.toString('utf8');
    }
    start = next;
  }
  return fields;
}

export async function brandingPages(app: FastifyInstance): Promise<void> {
  const ctx = app.ctx;

  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: BRANDING.logoMaxBytes + MULTIPART_OVERHEAD_BYTES },
    (request, body, done) => {
      try {
        done(null, parseMultipart(body as Buffer, String(request.headers['content-type'] ?? '')));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message: Message | null,
    values: BrandingForm | null = null,
  ) {
    const { orgId } = request.params as { orgId: string };
    const actor = actingOf(request);
    const { org } = await requireManager(ctx, orgId, actor.session.userId);
    const branding = await readBranding(ctx, actor, org.id);
    const frame = await pageFrame(ctx, request, reply, { org: org.id });
    const t = frame.t;
    return frame.send(
      status,
      t('org:branding.pageTitle', { org: org.name }),
      brandingView(t, {
        orgId: org.id,
        orgName: org.name,
        branding,
        values: values ?? { displayName: branding.displayName ?? '', accentColor: branding.accentColor ?? '' },
        csrf: frame.csrf,
        message: !message
          ? null
          : message.kind === 'success'
            ? { kind: 'success', text: t(message.key) }
            : { kind: 'error', text: t.error(message.error), field: message.field },
      }),
    );
  }

  /** Runs the action; its refusal is shown on the page (the detour to confirm first is the pages' own). */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (orgId: string) => Promise<MessageKey>,
    values: BrandingForm | null = null,
  ) {
    const { orgId } = request.params as { orgId: string };
    try {
      return await render(request, reply, 200, { kind: 'success', key: await work(orgId) });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.code === 'reauthentication_required')
        throw error;
      const field =
        typeof error.details.field === 'string'
          ? error.details.field
          : error.code === 'logo_type_not_allowed' || error.code === 'payload_too_large'
            ? 'logo'
            : undefined;
      return render(request, reply, error.status, { kind: 'error', error, field }, values);
    }
  }

  app.get('/orgs/:orgId/branding', async (request, reply) => render(request, reply, 200, null));

  app.post('/orgs/:orgId/branding', async (request, reply) => {
    const values: BrandingForm = {
      displayName: textField(request.body, 'displayName', BRANDING.displayNameMaxLength),
      accentColor: textField(request.body, 'accentColor', 16),
    };
    return act(
      request,
      reply,
      async (orgId) => {
        await changeBranding(ctx, actingOf(request), {
          orgId,
          patch: { displayName: values.displayName, accentColor: values.accentColor },
        });
        return 'org:branding.saved';
      },
      values,
    );
  });

  app.post('/orgs/:orgId/branding/logo', async (request, reply) =>
    act(request, reply, async (orgId) => {
      const file = (request.body as Record<string, unknown> | undefined)?.logo;
      if (!file || typeof file !== 'object' || (file as UploadedFile).bytes.length === 0)
        throw new AppError('invalid_request', { key: 'org:errors.chooseLogo', details: { field: 'logo' } });
      const { type, bytes } = file as UploadedFile;
      await uploadLogo(ctx, actingOf(request), { orgId, bytes, declaredType: type });
      return 'org:branding.logoUploaded';
    }),
  );

  app.post('/orgs/:orgId/branding/logo/remove', async (request, reply) =>
    act(request, reply, async (orgId) => {
      await removeLogo(ctx, actingOf(request), orgId);
      return 'org:branding.logoRemoved';
    }),
  );
}
