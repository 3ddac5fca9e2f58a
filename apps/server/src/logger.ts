import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config';

/**
 * Personal data never reaches the logs: request bodies are not logged, query strings are cut from URLs (a search
 * for a name or ID number lives there), and known personal fields are censored wherever an object is logged.
 */
export const REDACT_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
  '*.password', '*.currentPassword', '*.newPassword', '*.token',
  '*.fullName', '*.full_name', '*.phone', '*.address', '*.birthDate', '*.birth_date', '*.nationalId', '*.identifiers', '*.value',
];

export function loggerOptions(config: Config, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  if (stream) return { level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: { req: serializeRequest }, stream };
  return {
    level: config.SEN_LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest },
    ...(config.NODE_ENV === 'development' && process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  };
}

function serializeRequest(req: { method: string; url: string; id: string }) {
  return { method: req.method, url: req.url.split('?')[0], id: req.id };
}
