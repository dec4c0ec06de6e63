/**
 * The npm registry client: full packuments over HTTP with keep-alive (Node's fetch), bounded
 * concurrency, a timeout per request, retries with exponential backoff and full jitter on 429,
 * 5xx, network errors, stalls and cut-off bodies (honouring Retry-After), a response size cap,
 * and each packument fetched once per run. A 404 is an answer (the package is missing), not an
 * error.
 */
import PQueue from 'p-queue';
import { InvalidPackageError, RegistryError } from '../../../errors.js';
import { silentLogger, type Logger } from '../../../log.js';
import { assertNpmName } from '../../identity.js';

export interface RegistryClientOptions {
  /** Base URL with a trailing slash, e.g. `https://registry.npmjs.org/`. */
  registry: string;
  concurrency?: number;
  timeoutMs?: number;
  /** Largest response body accepted, in bytes (default 128 MiB: a few real packuments pass 50). */
  maxBytes?: number;
  /** Attempts after the first (default 5). */
  retries?: number;
  /** Backoff unit in ms (default 250): attempt n waits a random time up to unit * 2^n. */
  backoffMs?: number;
  /** Longest wait between attempts, Retry-After included (default 60 s). */
  maxDelayMs?: number;
  logger?: Logger;
  /** Told about each request's end, for progress displays. */
  onFetched?: (name: string, bytes: number) => void;
}

export type PackumentResult =
  | { status: 'found'; name: string; document: unknown; bytes: number }
  | { status: 'missing'; name: string };

export type ParsedResult<T> =
  { status: 'found'; name: string; value: T } | { status: 'missing'; name: string };

const RETRIABLE_STATUS = (status: number): boolean => status === 429 || status >= 500;

/** `@babel/core` -> `@babel%2fcore`, as npm itself requests scoped packages. */
export function packumentPath(name: string): string {
  assertNpmName(name);
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
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

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Buffer> {
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

export class RegistryClient {
  private readonly queue: PQueue;
  private readonly cache = new Map<string, Promise<PackumentResult>>();
  private readonly parsedCache = new Map<string, Promise<ParsedResult<unknown>>>();
  private readonly options: Required<Omit<RegistryClientOptions, 'onFetched' | 'logger'>>;
  private readonly logger: Logger;
  /** Requests sent, retries included: a run fetches each packument once, plus its retries. */
  requests = 0;

  constructor(private readonly settings: RegistryClientOptions) {
    this.options = {
      registry: settings.registry.endsWith('/') ? settings.registry : `${settings.registry}/`,
      concurrency: settings.concurrency ?? 16,
      timeoutMs: settings.timeoutMs ?? 30_000,
      maxBytes: settings.maxBytes ?? 128 * 2 ** 20,
      retries: settings.retries ?? 5,
      backoffMs: settings.backoffMs ?? 250,
      maxDelayMs: settings.maxDelayMs ?? 60_000,
    };
    this.logger = settings.logger ?? silentLogger;
    this.queue = new PQueue({ concurrency: this.options.concurrency });
  }

  /** The full packument of `name`, fetched at most once per client. */
  packument(name: string): Promise<PackumentResult> {
    let pending = this.cache.get(name);
    if (pending === undefined) {
      pending = this.queue.add(() => this.fetchWithRetries(name));
      this.cache.set(name, pending);
    }
    return pending;
  }

  /**
   * The packument of `name`, read once by `read` and kept only in that form: the raw document
   * (readmes and all) is dropped, and the many dependents of one package do not each parse it.
   * A document `read` refuses fails the same way for every caller.
   */
  parsed<T>(name: string, read: (document: unknown, name: string) => T): Promise<ParsedResult<T>> {
    let pending = this.parsedCache.get(name) as Promise<ParsedResult<T>> | undefined;
    if (pending === undefined) {
      pending = this.packument(name).then((result): ParsedResult<T> => {
        if (result.status === 'missing') return result;
        const value = read(result.document, name);
        this.cache.set(name, Promise.resolve({ ...result, document: null }));
        return { status: 'found', name, value };
      });
      this.parsedCache.set(name, pending);
    }
    return pending;
  }

  private async fetchWithRetries(name: string): Promise<PackumentResult> {
    const url = new URL(packumentPath(name), this.options.registry).href;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOnce(name, url);
      } catch (error) {
        if (!(error instanceof Retry)) throw error;
        if (attempt >= this.options.retries) {
          throw new RegistryError(`${url}: ${error.reason}, still after ${attempt + 1} attempts`, {
            retriable: true,
            ...(error.status === undefined ? {} : { status: error.status }),
          });
        }
        const backoff = Math.random() * this.options.backoffMs * 2 ** attempt;
        const delay = Math.min(this.options.maxDelayMs, Math.max(backoff, error.retryAfterMs ?? 0));
        this.logger.debug(
          { url, attempt, delay, reason: error.reason },
          'retrying a registry request',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async fetchOnce(name: string, url: string): Promise<PackumentResult> {
    this.requests++;
    let response: Response;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      response = await fetch(url, {
        // The full document: the abbreviated one has no maintainers, times or repository.
        headers: {
          accept: 'application/json',
          'user-agent': 'trustmap (+https://github.com/trustmap)',
        },
        signal,
      });
    } catch (error) {
      throw new Retry(`request failed (${describe(error)})`, undefined);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      this.settings.onFetched?.(name, 0);
      return { status: 'missing', name };
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
      body = await readCapped(response, this.options.maxBytes, url);
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
    this.settings.onFetched?.(name, body.length);
    return { status: 'found', name, document, bytes: body.length };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name === 'TimeoutError' ? 'timed out' : error.message}${cause}`;
  }
  return String(error);
}
