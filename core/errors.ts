/**
 * The few error classes trustmap throws. Callers (the CLI, the HTTP error middleware, tests)
 * branch on `name` or `code`, never on message text. Every error keeps the `cause` it wraps.
 */

/** The codes a TrustmapError carries: stable, for callers, tests and the API. */
export const THROWN_CODES = [
  'CONFIG_INVALID',
  'INVALID_INPUT',
  'NOT_FOUND',
  'STATEMENT_UNKNOWN',
  'STORE_UNAVAILABLE',
  'STORE_LOCKED',
  'STORE_FAILED',
  'QUERY_INVALID',
  'QUERY_NOT_READ_ONLY',
  'QUERY_TIMEOUT',
  'QUERY_TOO_LARGE',
  'REGISTRY_FAILED',
  'PACKAGE_INVALID',
  'NO_MATCHING_VERSION',
  'UNAUTHORIZED',
] as const;

/** Outcomes no error class throws, recorded (an ingest's failures) or answered (the API) with a code all the same. */
export const OUTCOME_CODES = [
  /** A request body over the server's size limit (express's body parser). */
  'TOO_LARGE',
  /** An ingest's failure: the registry answered 404 for the package. */
  'PACKAGE_MISSING',
  /** An ingest's failure: a queue job failed for good on an error that is not a TrustmapError. */
  'JOB_FAILED',
  /** An ingest's failure: an error that is not a TrustmapError (a bug), recorded, not thrown. */
  'UNEXPECTED',
  /** The API's answer to an error that is not a TrustmapError (a bug; the server logs it). */
  'INTERNAL',
] as const;

/** Every code: errors', ingest failures' (summaries, `--status`) and the API's. */
export const ERROR_CODES = [...THROWN_CODES, ...OUTCOME_CODES] as const;

/** The one type of codes; a TrustmapError's are the thrown ones. */
export type ErrorCode = (typeof ERROR_CODES)[number];
export type ThrownCode = (typeof THROWN_CODES)[number];

/** The failure code of any error: its own code when it is ours, else `fallback`. */
export function failureCode(error: unknown, fallback: ErrorCode = 'UNEXPECTED'): ErrorCode {
  return error instanceof TrustmapError ? error.code : fallback;
}

export interface TrustmapErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

export class TrustmapError extends Error {
  readonly code: ThrownCode;
  readonly retriable: boolean;

  constructor(code: ThrownCode, message: string, options: TrustmapErrorOptions = {}) {
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

/**
 * How git failed, classified once where git's exit is seen (ingest/sources/git/git-history.ts):
 * - `host`: the host did not answer as a git host (unreachable, refused, TLS, a 5xx, broken off);
 * - `timeout`: git ran past its time limit and was stopped;
 * - `no-revision`: the revision asked for names no commit (an empty repository, a missing HEAD);
 * - `repository`: the host answered, and the repository cannot be read (gone, private, ...).
 */
export type GitFailureKind = 'host' | 'timeout' | 'no-revision' | 'repository';

/** A git command failed. Retriable when the host, not the repository, failed (or timed out). */
export class GitError extends RegistryError {
  readonly kind: GitFailureKind;
  constructor(kind: GitFailureKind, message: string, options: TrustmapErrorOptions = {}) {
    super(message, { ...options, retriable: kind === 'host' || kind === 'timeout' });
    this.name = 'GitError';
    this.kind = kind;
  }
}

export function isTrustmapError(error: unknown): error is TrustmapError {
  return error instanceof TrustmapError;
}

/**
 * Every class above by its `name`, so an error that crossed a process boundary as plain data
 * (the embedded store's hosts send `{name, code, message, retriable, details}`) is rebuilt as
 * the class it was thrown as: `instanceof QueryTimeoutError` holds on both sides.
 */
export const ERROR_CLASSES = {
  TrustmapError,
  ConfigError,
  InvalidInputError,
  NotFoundError,
  UnknownStatementError,
  StoreUnavailableError,
  StoreLockedError,
  StoreError,
  QueryError,
  ReadOnlyViolationError,
  QueryTimeoutError,
  QueryTooLargeError,
  RegistryError,
  TruncatedBodyError,
  InvalidPackageError,
  NoMatchingVersionError,
  UnauthorizedError,
  GitError,
} satisfies ErrorClasses;

/** Error classes by name. */
export type ErrorClasses = Record<string, abstract new (...args: never[]) => TrustmapError>;

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);
const THROWN: ReadonlySet<string> = new Set(THROWN_CODES);

export const isErrorCode = (code: string): code is ErrorCode => CODES.has(code);
const isThrownCode = (code: string): code is ThrownCode => THROWN.has(code);

/** An error as plain data, for a process boundary. */
export interface ErrorData {
  name: string;
  code: string;
  message: string;
  retriable: boolean;
  /** The class's own fields (`timeoutMs`, `limitMb`, `status`, `kind`, ...). */
  details?: Record<string, string | number | boolean>;
  /** What the error wrapped, as text (the cause itself cannot cross). */
  cause?: string;
}

const causeText = (cause: unknown): string =>
  cause instanceof Error
    ? `${cause.name}: ${cause.message}`
    : typeof cause === 'string'
      ? cause
      : typeof cause === 'number' || typeof cause === 'boolean'
        ? String(cause)
        : Object.prototype.toString.call(cause);

const BASE_FIELDS = new Set(['name', 'code', 'message', 'retriable', 'stack', 'cause']);

/** An error as data (see `errorFromData`); anything not ours becomes a StoreError's. */
export function errorToData(error: unknown, fallback: Omit<ErrorData, 'message'>): ErrorData {
  if (!(error instanceof TrustmapError)) {
    return { ...fallback, message: error instanceof Error ? error.message : String(error) };
  }
  const details: Record<string, string | number | boolean> = {};
  for (const [field, value] of Object.entries(error)) {
    if (BASE_FIELDS.has(field)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      details[field] = value;
  }
  const cause = error.cause;
  return {
    name: error.name,
    code: error.code,
    message: error.message,
    retriable: error.retriable,
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(cause === undefined ? {} : { cause: causeText(cause) }),
  };
}

/**
 * Rebuilds an error from `errorToData`'s data as its own class (one of ERROR_CLASSES, or of
 * `more`: a module's own subclasses), with its message, code, `retriable` and fields as they
 * were. An unknown name or code (a newer host?) gives the base class with the code STORE_FAILED,
 * keeping the name.
 */
export function errorFromData(data: ErrorData, more: ErrorClasses = {}): TrustmapError {
  const classes: ErrorClasses = { ...ERROR_CLASSES, ...more };
  const known = Object.hasOwn(classes, data.name) ? classes[data.name] : undefined;
  const code = isThrownCode(data.code) ? data.code : 'STORE_FAILED';
  // The base constructor with the class's prototype: the subclass constructors build their
  // messages from their arguments, and this message was built already.
  const error = Reflect.construct(
    TrustmapError,
    [
      code,
      data.message,
      { retriable: data.retriable, ...(data.cause === undefined ? {} : { cause: data.cause }) },
    ],
    known ?? TrustmapError,
  ) as TrustmapError;
  Object.assign(error, data.details ?? {});
  error.name = data.name;
  return error;
}
