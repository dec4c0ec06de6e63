/**
 * The few error classes trustmap throws. Callers (the CLI, the HTTP error middleware, tests)
 * branch on `name` or `code`, never on message text. Every error keeps the `cause` it wraps.
 */

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'STATEMENT_UNKNOWN'
  | 'STORE_UNAVAILABLE'
  | 'STORE_LOCKED'
  | 'STORE_FAILED'
  | 'QUERY_INVALID'
  | 'QUERY_NOT_READ_ONLY'
  | 'QUERY_TIMEOUT'
  | 'QUERY_TOO_LARGE'
  | 'REGISTRY_FAILED'
  | 'PACKAGE_INVALID'
  | 'NO_MATCHING_VERSION'
  | 'UNAUTHORIZED';

export interface TrustmapErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

export class TrustmapError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: TrustmapErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TrustmapError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A setting is missing or malformed. The message names the setting. */
export class ConfigError extends TrustmapError {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super('CONFIG_INVALID', `${setting}: ${message}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

/** Input from a user or a registry does not have the shape we accept. */
export class InvalidInputError extends TrustmapError {
  constructor(message: string, options: TrustmapErrorOptions = {}) {
    super('INVALID_INPUT', message, options);
    this.name = 'InvalidInputError';
  }
}

export class NotFoundError extends TrustmapError {
  constructor(message: string) {
    super('NOT_FOUND', message);
    this.name = 'NotFoundError';
  }
}

/** A Cypher statement was asked for by a name that has no file in cypher/. */
export class UnknownStatementError extends TrustmapError {
  constructor(name: string) {
    super('STATEMENT_UNKNOWN', `no Cypher statement named "${name}" in cypher/`);
    this.name = 'UnknownStatementError';
  }
}

/** The graph store cannot be reached or opened (Neo4j down, embedded host crashed). */
export class StoreUnavailableError extends TrustmapError {
  constructor(message: string, options: TrustmapErrorOptions = {}) {
    super('STORE_UNAVAILABLE', message, { retriable: true, ...options });
    this.name = 'StoreUnavailableError';
  }
}

/** The embedded store file is held by another process. */
export class StoreLockedError extends TrustmapError {
  constructor(path: string, options: TrustmapErrorOptions = {}) {
    super(
      'STORE_LOCKED',
      `the embedded store ${path} is open in another process (a running "trustmap serve" or ingest?); stop it or set TRUSTMAP_DB to another file`,
      options,
    );
    this.name = 'StoreLockedError';
  }
}

/** The store rejected or failed a statement for a reason that is not the caller's query. */
export class StoreError extends TrustmapError {
  constructor(message: string, options: TrustmapErrorOptions = {}) {
    super('STORE_FAILED', message, options);
    this.name = 'StoreError';
  }
}

/** A query could not be parsed or run as written (syntax, unknown function, type error). */
export class QueryError extends TrustmapError {
  constructor(message: string, options: TrustmapErrorOptions = {}) {
    super('QUERY_INVALID', message, options);
    this.name = 'QueryError';
  }
}

/** An ad-hoc query tried to change the graph. Nothing was changed. */
export class ReadOnlyViolationError extends TrustmapError {
  constructor(message: string, options: TrustmapErrorOptions = {}) {
    super('QUERY_NOT_READ_ONLY', message, options);
    this.name = 'ReadOnlyViolationError';
  }
}

/** A query ran past its time limit and was stopped. */
export class QueryTimeoutError extends TrustmapError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, options: TrustmapErrorOptions = {}) {
    super(
      'QUERY_TIMEOUT',
      `the query ran longer than its limit of ${timeoutMs} ms and was stopped`,
      options,
    );
    this.name = 'QueryTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** A query took more memory than its limit and was stopped. */
export class QueryTooLargeError extends TrustmapError {
  readonly limitMb: number;
  constructor(limitMb: number, options: TrustmapErrorOptions = {}) {
    super(
      'QUERY_TOO_LARGE',
      `the query took more than its memory limit of ${limitMb} MiB (TRUSTMAP_QUERY_MEMORY_MB) and was stopped; narrow it (a LIMIT, fewer paths) or raise the limit`,
      options,
    );
    this.name = 'QueryTooLargeError';
    this.limitMb = limitMb;
  }
}

/** A registry request failed after its retries (or for a reason no retry fixes). */
export class RegistryError extends TrustmapError {
  readonly status: number | undefined;
  constructor(message: string, options: TrustmapErrorOptions & { status?: number } = {}) {
    super('REGISTRY_FAILED', message, options);
    this.name = 'RegistryError';
    this.status = options.status;
  }
}

/**
 * An answer's body ended before it was complete: the connection closed before the chunked
 * terminator or Content-Length, the stream broke (reset, timed out), or a body framed only by the
 * connection's end breaks off inside its JSON. Transient: the request is sent again.
 */
export class TruncatedBodyError extends RegistryError {
  constructor(message: string, options: TrustmapErrorOptions = {}) {
    super(message, { ...options, retriable: true });
    this.name = 'TruncatedBodyError';
  }
}

/** A registry document is not JSON, too large, or not shaped like one. */
export class InvalidPackageError extends TrustmapError {
  constructor(message: string, options: TrustmapErrorOptions = {}) {
    super('PACKAGE_INVALID', message, options);
    this.name = 'InvalidPackageError';
  }
}

/** No published version of a package satisfies a requested range or tag. */
export class NoMatchingVersionError extends TrustmapError {
  constructor(message: string) {
    super('NO_MATCHING_VERSION', message);
    this.name = 'NoMatchingVersionError';
  }
}

/** A request to the API without the Bearer token the server requires. */
export class UnauthorizedError extends TrustmapError {
  constructor(message = 'this server requires "Authorization: Bearer <TRUSTMAP_TOKEN>"') {
    super('UNAUTHORIZED', message);
    this.name = 'UnauthorizedError';
  }
}

export function isTrustmapError(error: unknown): error is TrustmapError {
  return error instanceof TrustmapError;
}
