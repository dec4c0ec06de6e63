/** Maps neo4j-driver errors to trustmap's, by the server's stable status codes. */
import {
  QueryError,
  QueryTimeoutError,
  ReadOnlyViolationError,
  StoreError,
  StoreUnavailableError,
  TrustmapError,
} from '../../core/errors.js';

interface DriverErrorLike {
  code?: unknown;
  message?: unknown;
}

export function neo4jError(
  error: unknown,
  options: { userQuery: boolean; timeoutMs?: number },
): TrustmapError {
  if (error instanceof TrustmapError) return error;
  const { code, message } = (
    typeof error === 'object' && error !== null ? error : {}
  ) as DriverErrorLike;
  const status = typeof code === 'string' ? code : '';
  const text = typeof message === 'string' ? message : String(error);
  if (status.startsWith('Neo.ClientError.Transaction.TransactionTimedOut')) {
    return new QueryTimeoutError(options.timeoutMs ?? 0, { cause: error });
  }
  if (
    status === 'Neo.ClientError.Statement.AccessMode' ||
    status === 'Neo.ClientError.Security.Forbidden'
  ) {
    return new ReadOnlyViolationError(`this query is not read-only: ${text}`, { cause: error });
  }
  if (
    status === 'ServiceUnavailable' ||
    status === 'SessionExpired' ||
    status.startsWith('Neo.TransientError')
  ) {
    return new StoreUnavailableError(`Neo4j is unavailable: ${text}`, { cause: error });
  }
  if (status.startsWith('Neo.ClientError.Security')) {
    return new StoreUnavailableError(`Neo4j refused the credentials: ${text}`, {
      cause: error,
      retriable: false,
    });
  }
  if (options.userQuery && status.startsWith('Neo.ClientError'))
    return new QueryError(text, { cause: error });
  return new StoreError(`Neo4j failed a statement: ${text}`, { cause: error });
}
