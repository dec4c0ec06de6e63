/**
 * JSON over HTTP for every source (npm, OSV, ...): a timeout per request, retries with
 * exponential backoff and full jitter on 429, 5xx, network errors, stalls and cut-off bodies
 * (honouring Retry-After), and a response size cap. A 404 is an answer (`missing`), not an error.
 */
import { InvalidPackageError, RegistryError } from '../../errors.js';
import type { Logger } from '../../log.js';

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
    } catch (error) {
      if (!(error instanceof Retry)) throw error;
      if (attempt >= options.retries) {
        throw new RegistryError(`${url}: ${error.reason}, still after ${attempt + 1} attempts`, {
          retriable: true,
          ...(error.status === undefined ? {} : { status: error.status }),
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
    throw new Retry(`request failed (${describe(error)})`, undefined);
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
  let body: Buffer;
  try {
    body = await readCapped(response, options.maxBytes, url);
  } catch (error) {
    if (error instanceof Retry || error instanceof InvalidPackageError) throw error;
    throw new Retry(`reading the body failed (${describe(error)})`, undefined);
  }
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InvalidPackageError(`${url} did not return JSON: ${describe(error)}`, {
      cause: error,
    });
  }
  return { status: 'found', document, bytes: body.length };
}

class Retry extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs: number | undefined,
    readonly status?: number,
  ) {
    super(reason);
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
    const { done, value } = await reader.read();
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
    throw new Retry(
      `the body of ${url} was cut off (${body.length} of ${declared} bytes)`,
      undefined,
    );
  }
  return body;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name === 'TimeoutError' ? 'timed out' : error.message}${cause}`;
  }
  return String(error);
}
