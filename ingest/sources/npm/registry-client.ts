/**
 * The npm registry client: full packuments over HTTP with keep-alive (Node's fetch), bounded
 * concurrency, a timeout per request, retries with exponential backoff and full jitter on 429,
 * 5xx, network errors, stalls and cut-off bodies (honouring Retry-After), a response size cap,
 * and each packument fetched once per run. A 404 is an answer (the package is missing), not an
 * error.
 */
import PQueue from 'p-queue';
import { silentLogger, type Logger } from '../../../core/log.js';
import { assertNpmName } from '../../identity.js';
import { requestJson } from '../http-json.js';
import { LIMIT_DEFAULTS } from '../../../core/config.js';

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

/** An attestations document holds two Sigstore bundles of a few KiB each. */
const MAX_ATTESTATIONS_BYTES = 4 * 2 ** 20;

/** `@babel/core` -> `@babel%2fcore`, as npm itself requests scoped packages. */
export function packumentPath(name: string): string {
  assertNpmName(name);
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
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
      concurrency: settings.concurrency ?? LIMIT_DEFAULTS.fetchConcurrency,
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

  /**
   * The provenance attestations of `name@version` (`GET /-/npm/v1/attestations/<name>@<version>`)
   * from the configured registry, at most 4 MiB; `failed` when the registry did not answer after
   * the retries (unknown, not absent).
   */
  async attestations(
    name: string,
    version: string,
  ): Promise<
    { status: 'found'; document: unknown } | { status: 'missing' } | { status: 'failed' }
  > {
    const url = new URL(
      `-/npm/v1/attestations/${packumentPath(name)}@${encodeURIComponent(version)}`,
      this.options.registry,
    ).href;
    try {
      const result = await this.queue.add(() =>
        requestJson(
          url,
          {},
          { ...this.options, maxBytes: MAX_ATTESTATIONS_BYTES },
          this.logger,
          () => {
            this.requests++;
          },
        ),
      );
      return result.status === 'missing'
        ? { status: 'missing' }
        : { status: 'found', document: result.document };
    } catch (error) {
      this.logger.warn(
        { name, version, error: error instanceof Error ? error.message : String(error) },
        'the attestations could not be fetched',
      );
      return { status: 'failed' };
    }
  }

  private async fetchWithRetries(name: string): Promise<PackumentResult> {
    const url = new URL(packumentPath(name), this.options.registry).href;
    // The full document: the abbreviated one has no maintainers, times or repository.
    const result = await requestJson(url, {}, this.options, this.logger, () => {
      this.requests++;
    });
    if (result.status === 'missing') {
      this.settings.onFetched?.(name, 0);
      return { status: 'missing', name };
    }
    this.settings.onFetched?.(name, result.bytes);
    return { status: 'found', name, document: result.document, bytes: result.bytes };
  }
}
