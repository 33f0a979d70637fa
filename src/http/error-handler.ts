/**
 * The only place errors become HTTP answers. AppErrors render as {"error":{code,message,...details}};
 * Fastify's own 4xx (bad JSON, validation, size, media type) map to catalogue codes; anything else is a
 * generic 500 that never echoes the internal message.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { MessageKey, MessageValues } from '../i18n/index.ts';
import { isUnavailable } from '../db/errors.ts';
import { wantsJson } from './route.ts';

function fromFastify(error: FastifyError): AppError | null {
  if (error.validation) {
    const first = error.validation[0];
    const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') ?? '';
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const field = missing ?? extra ?? (path || (error.validationContext ?? 'body'));
    // The validator's own words (English) stay as a value: "must NOT have more than 100 characters".
    const text: { key: MessageKey; values: MessageValues } = extra
      ? { key: 'errors:messages.request.unknownField', values: { field: extra } }
      : missing
        ? { key: 'errors:messages.request.fieldRequired', values: { field: missing } }
        : first?.message
          ? { key: 'errors:messages.request.fieldInvalidBecause', values: { field, reason: first.message } }
          : { key: 'errors:messages.request.fieldInvalid', values: { field } };
    return new AppError('invalid_request', { ...text, details: { field } });
  }
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('invalid_request', { key: 'errors:messages.request.urlInvalid', details: { field: 'url' } });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_request', { key: 'errors:messages.request.jsonEmpty', details: { field: 'body' } });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_request', {
        key: 'errors:messages.request.jsonInvalid',
        details: { field: 'body' },
      });
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new AppError('invalid_request', { key: 'errors:messages.request.jsonInvalid', details: { field: 'body' } });
  }
  if (error.statusCode === 413) return new AppError('payload_too_large');
  if (error.statusCode === 415) return new AppError('unsupported_media_type');
  if (error.statusCode === 404) return new AppError('not_found');
  if (error.statusCode === 405) return new AppError('method_not_allowed');
  return null;
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const mapped = fromFastify(error as FastifyError);
  if (mapped) return mapped;
  if (isUnavailable(error)) return new AppError('unavailable');
  return new AppError('internal');
}

export function errorBody(error: AppError): { error: Record<string, unknown> } {
  return { error: { ...error.details, code: error.code, message: error.message } };
}

export type PageErrorRenderer = (request: FastifyRequest, reply: FastifyReply, error: AppError) => unknown;

export function errorHandler(renderPage: PageErrorRenderer) {
  return function handle(this: unknown, error: unknown, request: FastifyRequest, reply: FastifyReply): unknown {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
    if (appError.retryAfterSeconds !== null) reply.header('Retry-After', String(appError.retryAfterSeconds));
    reply.status(appError.status);
    if (!wantsJson(request)) {
      return renderPage(request, reply, appError);
    }
    return reply.send(errorBody(appError));
  };
}
