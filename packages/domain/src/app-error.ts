/**
 * The one error type of Sen. `code` is a stable machine-readable name, `message` a sentence for people,
 * `details` what a client needs to fix the request (field names, limits), `status` the HTTP status.
 * It lives in the lowest package so the database layer, the server and the CLI all throw the same thing.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, details: Record<string, unknown> = {}) => new AppError('not_found', `${what} not found`, details, 404);
export const forbidden = (message = 'You do not have access to this resource', details: Record<string, unknown> = {}) => new AppError('forbidden', message, details, 403);
export const conflict = (code: string, message: string, details: Record<string, unknown> = {}) => new AppError(code, message, details, 409);
export const badRequest = (code: string, message: string, details: Record<string, unknown> = {}) => new AppError(code, message, details, 400);
