import { AppError } from '@sen/domain';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: { field: string; message: string }[];
  [key: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  // Details come first so a detail named like a standard member (status, code...) can never replace it.
  return { ...extra, type: `urn:sen:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code };
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, p: Problem) {
  return reply.status(p.status).type('application/problem+json').send({ ...p, instance: request.url.split('?')[0] });
}

/** PostgreSQL errors that mean "your data is wrong", not "the server is broken". */
function fromPostgres(err: { code?: string; message: string; constraint?: string }): Problem | null {
  switch (err.code) {
    case '22P02': case '22007': case '22008': case '22003': case '22001': case '0A000':
      return problem(400, 'invalid_value', 'A value has the wrong form or is out of range');
    case '23505':
      return problem(409, 'already_exists', 'A record with this value already exists', err.constraint ? { constraint: err.constraint } : {});
    case '23503':
      return problem(400, 'unknown_reference', 'The request refers to a record that does not exist', err.constraint ? { constraint: err.constraint } : {});
    case '23514':
      return problem(400, 'constraint_violated', 'A value breaks a rule of the record', err.constraint ? { constraint: err.constraint } : {});
    case '40001': case '40P01':
      return problem(409, 'retry', 'The record was changed at the same time; try again');
    default:
      return null;
  }
}

/** One error handler: every failure leaves as RFC 9457 problem+json, never with a stack trace. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      if (err.status >= 500) request.log.error({ err }, 'application error');
      return sendProblem(reply, request, problem(err.status, err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request';
      const errors = err.validation.map((v) => {
        const field = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
        return { field, message: v.message ?? 'is invalid' };
      });
      const first = errors[0];
      return sendProblem(reply, request, problem(400, 'invalid_request', first ? `${first.field}: ${first.message}` : 'The request is invalid', { errors }));
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err: { message: err.message, issues: err.cause.issues } }, 'response did not match its schema');
      return sendProblem(reply, request, problem(500, 'internal', 'The server could not complete the request'));
    }
    const fe = err as FastifyError & { code?: string };
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, request, problem(413, 'body_too_large', `The request body is larger than ${app.initialConfig.bodyLimit} bytes`, { limit: app.initialConfig.bodyLimit }));
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, request, problem(415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json'));
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendProblem(reply, request, problem(400, 'empty_body', 'The request body is empty but JSON was declared'));
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
      return sendProblem(reply, request, problem(400, 'malformed_json', 'The request body is not valid JSON'));
    }
    if (fe.statusCode === 429) return sendProblem(reply, request, problem(429, 'rate_limited', fe.message || 'Too many requests; slow down'));
    const pgProblem = fromPostgres(err as { code?: string; message: string; constraint?: string });
    if (pgProblem) return sendProblem(reply, request, pgProblem);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(reply, request, problem(fe.statusCode, (fe.code ?? 'bad_request').toLowerCase(), fe.message));
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, request, problem(500, 'internal', 'The server could not complete the request'));
  });
}

export { sendProblem };
