/** The one place errors become HTTP: a status per error code, and a JSON body with the code. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isTrustmapError, NotFoundError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';

const STATUS: Record<ErrorCode, number> = {
  CONFIG_INVALID: 500,
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  STATEMENT_UNKNOWN: 404,
  STORE_UNAVAILABLE: 503,
  STORE_LOCKED: 503,
  STORE_FAILED: 500,
  QUERY_INVALID: 400,
  QUERY_NOT_READ_ONLY: 403,
  QUERY_TIMEOUT: 504,
  QUERY_TOO_LARGE: 413,
  REGISTRY_FAILED: 502,
  PACKAGE_INVALID: 422,
  NO_MATCHING_VERSION: 404,
  UNAUTHORIZED: 401,
  TOO_LARGE: 413,
  PACKAGE_MISSING: 404,
  JOB_FAILED: 500,
  UNEXPECTED: 500,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export const notFound: RequestHandler = (request, _response, next) => {
  next(new NotFoundError(`no route ${request.method} ${request.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  // Express knows an error handler by its four parameters, so `_next` stays though unused.
  return (error: unknown, _request, response, _next) => {
    if (isTrustmapError(error)) {
      response
        .status(STATUS[error.code])
        .json({ error: { code: error.code, message: error.message } } satisfies ErrorBody);
      return;
    }
    const status = (error as { status?: unknown }).status;
    const type = (error as { type?: unknown }).type;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // express's own body parser: too large, not JSON.
      const code = type === 'entity.too.large' ? 'TOO_LARGE' : 'INVALID_INPUT';
      response.status(status).json({
        error: { code, message: error instanceof Error ? error.message : 'bad request' },
      } satisfies ErrorBody);
      return;
    }
    logger.error({ err: error }, 'unexpected error in a request');
    response.status(500).json({
      error: { code: 'INTERNAL', message: 'unexpected error; see the server log' },
    } satisfies ErrorBody);
  };
}
