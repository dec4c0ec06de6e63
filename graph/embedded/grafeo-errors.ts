/** Maps Grafeo's errors to trustmap's, by GQLSTATUS where Grafeo gives one. */
import {
  QueryError,
  StoreError,
  StoreLockedError,
  StoreUnavailableError,
  TrustmapError,
} from '../../core/errors.js';

interface GrafeoErrorLike {
  message: string;
  gqlStatus?: string;
}

function asGrafeoError(error: unknown): GrafeoErrorLike {
  if (error instanceof Error) {
    const status = (error as { gqlStatus?: unknown }).gqlStatus;
    return { message: error.message, ...(typeof status === 'string' ? { gqlStatus: status } : {}) };
  }
  return { message: String(error) };
}

/**
 * The one classification by message text in trustmap, kept here at Grafeo's boundary because
 * Grafeo gives nothing else: a file held by another process fails `GrafeoDB.create` with a plain
 * `Error` (napi code `GenericFailure`, Grafeo's generic `GRAFEO-X001`, GQLSTATUS 22000 on its
 * cause, the same as for a file that is not a database at all). What tells the two apart is the
 * text, one of Grafeo's own (checked against @grafeo-db/js 0.6.0, by opening one file from two
 * processes): "database file cannot be locked for reading", "database file is locked by another
 * process", "database is locked by another process", "database locked: a migration is running".
 * Everything above this module matches the StoreLockedError it becomes by name or code.
 */
const GRAFEO_LOCKED = /cannot be locked|locked by another process|database locked:/;

/** An error from opening the database file. */
export function openError(path: string, error: unknown): TrustmapError {
  const { message } = asGrafeoError(error);
  if (GRAFEO_LOCKED.test(message)) return new StoreLockedError(path, { cause: error });
  return new StoreUnavailableError(`the embedded store ${path} could not be opened: ${message}`, {
    cause: error,
    retriable: false,
  });
}

/**
 * An error from running a statement. For a user's query, anything the database rejects is the
 * query's fault (syntax, types, a memory cap); for our own statements it is a store failure.
 */
export function statementError(error: unknown, userQuery: boolean): TrustmapError {
  const { message, gqlStatus } = asGrafeoError(error);
  const clean = message.replace(/^(Query error|Database error): /, '');
  if (userQuery || gqlStatus?.startsWith('42') === true) {
    return new QueryError(clean, { cause: error });
  }
  return new StoreError(`the embedded store failed a statement: ${clean}`, { cause: error });
}
