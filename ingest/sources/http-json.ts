/**
 * JSON over HTTP for every source (npm, OSV, ...): a timeout per request, retries with
 * exponential backoff and full jitter on 429, 5xx, network errors, stalls and cut-off bodies
 * (honouring Retry-After), and a response size cap. A 404 is an answer (`missing`), not an error.
 * A body that ended early is a TruncatedBodyError (retried); a complete one that is not JSON is
 * an InvalidPackageError (not retried).
 */
import {
  InvalidPackageError,
  RegistryError,
  TrustmapError,
  TruncatedBodyError,
} from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { endsInsideJson } from './json-prefix.js';

export interface HttpJsonOptions {
  timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxBytes: number;
  /** Attempts after the first. */
  retries: number;
  /** Backoff unit in ms: attempt n waits a random time up to unit * 2^n. */
  backoffMs: number;
  /** Longest wait between attempts, Retry-After included. */
  maxDelayMs: number;
}

/** What an API client starts from: 30 s a request, 64 MiB, five retries, up to a minute apart. */
export const HTTP_DEFAULTS: HttpJsonOptions = {
  timeoutMs: 30_000,
  maxBytes: 64 * 2 ** 20,
  retries: 5,
  backoffMs: 250,
  maxDelayMs: 60_000,
};

export type JsonResponse =
  { status: 'found'; document: unknown; bytes: number } | { status: 'missing' };

export interface JsonRequest {
  method?: 'GET' | 'POST';
  /** A JSON body (sent with content-type application/json). */
  body?: unknown;
  headers?: Record<string, string>;
}

const RETRIABLE_STATUS = (status: number): boolean => status === 429 || status >= 500;

/** Requests `url` until it answers, the retries run out, or it fails for good. */
export async function requestJson(
  url: string,
  request: JsonRequest,
  options: HttpJsonOptions,
  logger: Logger,
  onAttempt: () => void = () => undefined,
): Promise<JsonResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      onAttempt();
      return await requestOnce(url, request, options);
    } catch (caught) {
      // Classified where it was seen: a status or network failure here, a cut body in readCapped.
      const error =
        caught instanceof TrustmapError && caught.retriable
          ? new Retry(caught.message, undefined, undefined, caught)
          : caught;
      if (!(error instanceof Retry)) throw error;
      if (attempt >= options.retries) {
        const reason = error.cause === undefined ? `${url}: ${error.reason}` : error.reason;
        throw new RegistryError(`${reason}, still after ${attempt + 1} attempts`, {
          retriable: true,
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.cause === undefined ? {} : { cause: error.cause }),
        });
      }
      const backoff = Math.random() * options.backoffMs * 2 ** attempt;
      const delay = Math.min(options.maxDelayMs, Math.max(backoff, error.retryAfterMs ?? 0));
      logger.debug({ url, attempt, delay, reason: error.reason }, 'retrying a request');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function requestOnce(
  url: string,
  request: JsonRequest,
  options: HttpJsonOptions,
): Promise<JsonResponse> {
  let response: Response;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: {
        accept: 'application/json',
        'user-agent': 'trustmap (+https://github.com/trustmap)',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal,
    });
  } catch (error) {
    throw new Retry(`request failed (${describe(error)})`, undefined, undefined, error);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return { status: 'missing' };
  }
  if (RETRIABLE_STATUS(response.status)) {
    await response.body?.cancel();
    throw new Retry(
      `HTTP ${response.status}`,
      retryAfter(response.headers.get('retry-after')),
      response.status,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new RegistryError(`${url}: HTTP ${response.status}`, { status: response.status });
  }
  const body = await readCapped(response, options.maxBytes, url);
  return { status: 'found', document: parseJsonBody(response, body, url), bytes: body.length };
}

/** A transient failure seen in this file (a status, the request itself): sent again. */
class Retry extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs: number | undefined,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(reason, cause === undefined ? undefined : { cause });
  }
}

function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function readCapped(
  response: Response,
  maxBytes: number,
  url: string,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (
    declared > maxBytes &&
    (response.headers.get('content-encoding') ?? 'identity') === 'identity'
  ) {
    throw new InvalidPackageError(`${url} is ${declared} bytes, over the ${maxBytes}-byte limit`);
  }
  if (response.body === null) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  for (;;) {
    let read: Awaited<ReturnType<typeof reader.read>>;
    try {
      read = await reader.read();
    } catch (error) {
      // The stream broke while the body came in: the connection closed before the chunked
      // terminator or the declared length ("terminated"), was reset, or the timeout fired.
      throw new TruncatedBodyError(`the body of ${url} ended early (${describe(error)})`, {
        cause: error,
      });
    }
    const { done, value } = read;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new InvalidPackageError(`${url} is over the ${maxBytes}-byte limit`);
    }
    chunks.push(Buffer.from(value));
  }
  const body = Buffer.concat(chunks);
  // Content-Length counts the bytes on the wire; fetch hands over the decompressed body.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (Number.isFinite(declared) && !encoded && body.length !== declared) {
    throw new TruncatedBodyError(
      `the body of ${url} was cut off (${body.length} of ${declared} bytes)`,
    );
  }
  return body;
}

/**
 * The JSON document in a body read whole by readCapped. A body framed by a length or chunks came
 * whole (readCapped checked), so one that does not parse is not JSON. A body framed only by the
 * connection's end may have been cut: one that breaks off inside its JSON is a TruncatedBodyError.
 */
export function parseJsonBody(response: Response, body: Buffer, url: string): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const framed =
      response.headers.has('content-length') ||
      /\bchunked\b/i.test(response.headers.get('transfer-encoding') ?? '');
    if (!framed && endsInsideJson(text)) {
      throw new TruncatedBodyError(
        `the body of ${url} ended early (the connection closed after ${body.length} bytes, inside the JSON)`,
        { cause: error },
      );
    }
    throw new InvalidPackageError(`${url} did not return JSON: ${describe(error)}`, {
      cause: error,
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name === 'TimeoutError' ? 'timed out' : error.message}${cause}`;
  }
  return String(error);
}
