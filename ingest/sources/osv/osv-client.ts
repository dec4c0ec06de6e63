/**
 * The OSV API (`OSV_URL`): `POST /v1/querybatch` with package URLs, 1,000 per request, following
 * page tokens, for the ids of the advisories that hit each version; `GET /v1/vulns/<id>` for each
 * record, once per client.
 */
import PQueue from 'p-queue';
import { RegistryError } from '../../../core/errors.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { isRecord, own } from '../../untrusted.js';
import { HTTP_DEFAULTS, requestJson, type HttpJsonOptions } from '../http-json.js';

/** OSV's own limit on queries in one batch. */
export const BATCH = 1000;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export interface OsvClientOptions {
  url: string;
  concurrency?: number;
  logger?: Logger;
  http?: Partial<HttpJsonOptions>;
}

export class OsvClient {
  private readonly base: string;
  private readonly http: HttpJsonOptions;
  private readonly logger: Logger;
  private readonly queue: PQueue;
  private readonly records = new Map<string, Promise<unknown>>();
  requests = 0;

  constructor(options: OsvClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
    this.queue = new PQueue({ concurrency: options.concurrency ?? 8 });
    this.http = { ...HTTP_DEFAULTS, ...options.http };
  }

  /** The advisory ids that hit each package URL (with a version), in batches. */
  async queryBatch(purls: readonly string[]): Promise<Map<string, string[]>> {
    const hits = new Map<string, string[]>();
    for (let start = 0; start < purls.length; start += BATCH) {
      let pending = purls.slice(start, start + BATCH).map((purl) => ({ purl, page: '' }));
      while (pending.length > 0) {
        const queries = pending.map(({ purl, page }) => ({
          package: { purl },
          ...(page === '' ? {} : { page_token: page }),
        }));
        const results = await this.post('/v1/querybatch', { queries });
        if (results.length !== pending.length)
          throw new RegistryError(
            `${this.base}/v1/querybatch answered ${results.length} results for ${pending.length} queries`,
          );
        const next: typeof pending = [];
        results.forEach((result, i) => {
          const { purl } = pending[i] as { purl: string };
          const ids = hits.get(purl) ?? [];
          const vulns = isRecord(result) ? own(result, 'vulns') : undefined;
          if (Array.isArray(vulns))
            for (const vuln of vulns) {
              const id = isRecord(vuln) ? own(vuln, 'id') : undefined;
              if (typeof id === 'string' && ID.test(id) && !ids.includes(id)) ids.push(id);
            }
          hits.set(purl, ids);
          const token = isRecord(result) ? own(result, 'next_page_token') : undefined;
          if (typeof token === 'string' && token !== '') next.push({ purl, page: token });
        });
        pending = next;
      }
    }
    return hits;
  }

  /** The full OSV record of an advisory (undefined when OSV does not have it). */
  vuln(id: string): Promise<unknown> {
    if (!ID.test(id)) return Promise.reject(new RegistryError(`"${id}" is not an OSV id`));
    let pending = this.records.get(id);
    if (pending === undefined) {
      pending = this.queue.add(async () => {
        const result = await requestJson(
          `${this.base}/v1/vulns/${encodeURIComponent(id)}`,
          {},
          this.http,
          this.logger,
          () => {
            this.requests++;
          },
        );
        return result.status === 'found' ? result.document : undefined;
      });
      this.records.set(id, pending);
    }
    return pending;
  }

  private async post(path: string, body: unknown): Promise<unknown[]> {
    const result = await requestJson(
      `${this.base}${path}`,
      { method: 'POST', body },
      this.http,
      this.logger,
      () => {
        this.requests++;
      },
    );
    const results =
      result.status === 'found' && isRecord(result.document)
        ? own(result.document, 'results')
        : undefined;
    if (!Array.isArray(results))
      throw new RegistryError(`${this.base}${path} did not answer with {results: [...]}`);
    return results as unknown[];
  }
}
