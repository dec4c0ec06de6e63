/**
 * The GitHub REST API (`GITHUB_API_URL`, `GITHUB_TOKEN`): JSON GETs with the token, pages followed
 * through `Link: rel="next"`, conditional requests (`If-None-Match` with the ETag of the last
 * answer, a 304 costs no rate limit), and rate limits waited out rather than failed: the primary
 * limit (`x-ratelimit-remaining: 0` until `x-ratelimit-reset`) and the secondary one
 * (`retry-after`). With `cacheDir`, the answers and their ETags are kept on disk, so a later run
 * asks again conditionally and a repository that has not changed costs no rate limit.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RegistryError, TruncatedBodyError } from '../../../core/errors.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { parseJsonBody, readCapped } from '../http-json.js';

export interface GitHubClientOptions {
  url: string;
  token?: string | undefined;
  logger?: Logger;
  /** Longest wait for a rate limit to reset (default 1 hour); past it the request fails. */
  maxWaitMs?: number;
  /** How waits happen (tests shorten them). */
  sleep?: (ms: number) => Promise<void>;
  maxPages?: number;
  /** Where answers and their ETags are kept between runs (default: in memory for this run). */
  cacheDir?: string | undefined;
}

interface Cached {
  etag: string;
  body: unknown;
  next: string | undefined;
  /** 202: GitHub is still computing this (statistics); ask again later. */
  computing?: boolean;
}

const MAX_BYTES = 32 * 2 ** 20;

export class GitHubClient {
  private readonly base: string;
  private readonly logger: Logger;
  private readonly cache = new Map<string, Cached>();
  private readonly sleep: (ms: number) => Promise<void>;
  requests = 0;
  notModified = 0;
  waitedMs = 0;

  constructor(private readonly options: GitHubClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** One resource; undefined when GitHub answers 404. */
  async get(path: string): Promise<unknown> {
    const page = await this.request(`${this.base}${path}`);
    return page?.body;
  }

  /**
   * A statistics resource GitHub computes on demand: 202 until it is ready, so asked again a few
   * times; undefined when it never is (or for 204, an empty repository).
   */
  async getComputed(path: string, attempts = 4, waitMs = 3000): Promise<unknown> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const page = await this.request(`${this.base}${path}`);
      if (page?.computing !== true) return page?.body;
      if (attempt < attempts - 1) await this.wait(waitMs, path, 'statistics being computed');
    }
    return undefined;
  }

  /** Every page of a list resource (up to maxPages). */
  async list(path: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let url: string | undefined =
      `${this.base}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
    for (let pages = 0; url !== undefined && pages < (this.options.maxPages ?? 10); pages++) {
      const page = await this.request(url);
      if (page === undefined) break;
      if (Array.isArray(page.body)) items.push(...(page.body as unknown[]));
      url = page.next;
    }
    return items;
  }

  private async request(url: string): Promise<Cached | undefined> {
    let secondaryWaits = 0;
    for (let attempt = 0; attempt < 10; attempt++) {
      const cached = this.cached(url);
      const headers: Record<string, string> = {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'trustmap (+https://github.com/trustmap)',
      };
      if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
      if (cached !== undefined) headers['if-none-match'] = cached.etag;
      this.requests++;
      let response: Response;
      try {
        response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        if (attempt >= 4)
          throw new RegistryError(`${url}: request failed`, { cause: error, retriable: true });
        await this.wait(500 * 2 ** attempt, url, 'network error');
        continue;
      }
      if (response.status === 304 && cached !== undefined) {
        await response.body?.cancel();
        this.notModified++;
        return cached;
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (response.status === 202 || response.status === 204) {
        await response.body?.cancel();
        return { etag: '', body: undefined, next: undefined, computing: response.status === 202 };
      }
      const remaining = response.headers.get('x-ratelimit-remaining');
      const retryAfter = response.headers.get('retry-after');
      if (response.status === 403 || response.status === 429) {
        // The message says whether a 403 is a secondary limit without headers (GitHub's advice:
        // wait a minute, then longer each time) or a refusal.
        const message = (await readCapped(response, 64 * 1024, url).catch(() => Buffer.alloc(0)))
          .toString('utf8')
          .slice(0, 2000);
        if (retryAfter !== null && /^\d+$/.test(retryAfter)) {
          await this.wait(Number(retryAfter) * 1000, url, 'secondary rate limit');
          continue;
        }
        if (remaining === '0') {
          const reset = Number(response.headers.get('x-ratelimit-reset') ?? NaN) * 1000;
          await this.wait(
            Number.isFinite(reset) ? Math.max(0, reset - Date.now()) + 1000 : 60_000,
            url,
            'rate limit',
          );
          continue;
        }
        if (response.status === 429 || /secondary rate limit|abuse detection/i.test(message)) {
          secondaryWaits++;
          await this.wait(60_000 * 2 ** (secondaryWaits - 1), url, 'secondary rate limit');
          continue;
        }
        throw new RegistryError(
          `${url}: HTTP ${response.status} (is GITHUB_TOKEN allowed to read this?)`,
          {
            status: response.status,
          },
        );
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        await this.wait(1000 * 2 ** attempt, url, `HTTP ${response.status}`);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new RegistryError(`${url}: HTTP ${response.status}`, { status: response.status });
      }
      let body: unknown;
      try {
        body = parseJsonBody(response, await readCapped(response, MAX_BYTES, url), url);
      } catch (error) {
        // A body that ended early is sent for again, as a 5xx is; one that is not JSON is not.
        if (!(error instanceof TruncatedBodyError) || attempt >= 4) throw error;
        await this.wait(1000 * 2 ** attempt, url, 'body cut off');
        continue;
      }
      const next = this.sameOrigin(
        /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1],
      );
      const page: Cached = { etag: response.headers.get('etag') ?? '', body, next };
      if (page.etag !== '') this.remember(url, page);
      return page;
    }
    throw new RegistryError(`${url}: still limited after 10 attempts`, { retriable: true });
  }

  private checkedDir: string | undefined | null = null;

  /**
   * The cache folder, made private (0700) when new; one that is a link, someone else's, or
   * writable by others is not used (answers could be planted there): memory only, with a warning.
   */
  private cacheDir(): string | undefined {
    if (this.checkedDir !== null) return this.checkedDir;
    const dir = this.options.cacheDir;
    this.checkedDir = undefined;
    if (dir === undefined) return undefined;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const stat = fs.lstatSync(dir);
      const uid = process.getuid?.();
      const ours = uid === undefined || stat.uid === uid;
      if (!stat.isDirectory() || !ours || (stat.mode & 0o022) !== 0) {
        this.logger.warn(
          { dir },
          'GitHub cache folder is a link, not ours, or writable by others: not used',
        );
        return undefined;
      }
      this.checkedDir = dir;
    } catch (error) {
      this.logger.warn({ dir, error: String(error) }, 'GitHub cache folder unusable: not used');
    }
    return this.checkedDir;
  }

  /** A next-page URL only on GitHub's API itself: the token goes with every request. */
  private sameOrigin(url: string | undefined): string | undefined {
    if (url === undefined) return undefined;
    try {
      return new URL(url).origin === new URL(this.base).origin ? url : undefined;
    } catch {
      return undefined;
    }
  }

  /** The cache file of a URL; the token's hash is part of the name (answers depend on it). */
  private cacheFile(url: string): string | undefined {
    const dir = this.cacheDir();
    if (dir === undefined) return undefined;
    const name = createHash('sha256')
      .update(`${this.options.token ?? ''}\u0000${url}`)
      .digest('hex');
    return path.join(dir, `${name}.json`);
  }

  private cached(url: string): Cached | undefined {
    const inMemory = this.cache.get(url);
    if (inMemory !== undefined) return inMemory;
    const file = this.cacheFile(url);
    // Only a regular file of ours: not a link planted where an entry would be.
    if (file === undefined || !fs.lstatSync(file, { throwIfNoEntry: false })?.isFile())
      return undefined;
    try {
      const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Cached> & {
        url?: unknown;
      };
      if (entry.url !== url || typeof entry.etag !== 'string' || entry.etag === '')
        return undefined;
      const page: Cached = {
        etag: entry.etag,
        body: entry.body,
        next: this.sameOrigin(typeof entry.next === 'string' ? entry.next : undefined),
      };
      this.cache.set(url, page);
      return page;
    } catch (error) {
      // A damaged entry is a cache miss, and goes.
      this.logger.warn({ file, error: String(error) }, 'GitHub cache entry unreadable; removed');
      fs.rmSync(file, { force: true });
      return undefined;
    }
  }

  private remember(url: string, page: Cached): void {
    this.cache.set(url, page);
    const file = this.cacheFile(url);
    if (file === undefined) return;
    try {
      // A new file of a random name ('wx' follows no link and replaces nothing), then renamed.
      const partial = `${file}.${randomBytes(8).toString('hex')}.partial`;
      fs.writeFileSync(partial, JSON.stringify({ url, ...page }), { mode: 0o600, flag: 'wx' });
      fs.renameSync(partial, file);
    } catch (error) {
      this.logger.warn({ file, error: String(error) }, 'GitHub cache entry not written');
    }
  }

  private async wait(ms: number, url: string, why: string): Promise<void> {
    const maxWait = this.options.maxWaitMs ?? 3_600_000;
    if (ms > maxWait)
      throw new RegistryError(
        `${url}: ${why} for ${Math.round(ms / 1000)} s, longer than allowed`,
        { retriable: true },
      );
    this.logger.info({ url, waitMs: ms, why }, 'waiting for GitHub');
    this.waitedMs += ms;
    await this.sleep(ms);
  }
}
