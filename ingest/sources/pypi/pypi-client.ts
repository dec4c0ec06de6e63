/**
 * PyPI (`PYPI_URL`): the versions of a project from the JSON Simple API (PEP 691), and one
 * release from the JSON API (`/pypi/<project>/<version>/json`), each fetched once per client.
 */
import PQueue from 'p-queue';
import { silentLogger, type Logger } from '../../../core/log.js';
import { isRecord, own } from '../../untrusted.js';
import { HTTP_DEFAULTS, requestJson, type HttpJsonOptions } from '../http-json.js';
import { normaliseName } from './requirement.js';
import { LIMIT_DEFAULTS } from '../../../core/config.js';

export interface ProjectIndex {
  name: string;
  versions: string[];
  yanked: Set<string>;
  /** Versions with at least one file that has a PEP 740 provenance object. */
  withProvenance: Set<string>;
  /** For each of those versions, its first such file: the name and sha256 its provenance is for. */
  provenanceFiles: Map<string, { filename: string; sha256: string }>;
  /** Earliest upload time of each version's files. */
  uploaded: Map<string, string>;
  /** The Python versions a release supports (its files' `requires-python`). */
  requiresPython: Map<string, string>;
}

const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,198}[A-Za-z0-9])?$/;
const VERSION = /^[A-Za-z0-9._!+-]{1,100}$/;
const FILENAME = /^[A-Za-z0-9._+-]{1,200}$/;

/** The version a file name carries (`pytest-3.5.0-py2.py3-none-any.whl`, `six-1.11.0.tar.gz`). */
function versionOfFile(project: string, filename: string): string | undefined {
  const stem = filename.replace(/\.(tar\.gz|zip|whl|egg|tar\.bz2)$/, '');
  const parts = stem.split('-');
  const nameParts = project.split('-').length;
  return parts.length > nameParts ? parts[nameParts] : undefined;
}

export class PyPiClient {
  private readonly base: string;
  private readonly http: HttpJsonOptions;
  private readonly logger: Logger;
  private readonly queue: PQueue;
  private readonly indexes = new Map<string, Promise<ProjectIndex | undefined>>();
  private readonly releases = new Map<string, Promise<unknown>>();
  requests = 0;

  constructor(options: {
    url: string;
    concurrency?: number;
    logger?: Logger;
    http?: Partial<HttpJsonOptions>;
  }) {
    this.base = options.url.replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
    this.queue = new PQueue({
      concurrency: options.concurrency ?? LIMIT_DEFAULTS.fetchConcurrency,
    });
    this.http = { ...HTTP_DEFAULTS, ...options.http };
  }

  private get(path: string, accept = 'application/json'): Promise<unknown> {
    return this.queue.add(async () => {
      const result = await requestJson(
        `${this.base}${path}`,
        { headers: { accept } },
        this.http,
        this.logger,
        () => {
          this.requests++;
        },
      );
      return result.status === 'found' ? result.document : undefined;
    });
  }

  /** The project's versions (undefined when PyPI does not have it). */
  index(name: string): Promise<ProjectIndex | undefined> {
    const project = normaliseName(name);
    if (!NAME.test(project)) return Promise.resolve(undefined);
    let pending = this.indexes.get(project);
    if (pending === undefined) {
      pending = this.get(`/simple/${project}/`, 'application/vnd.pypi.simple.v1+json').then(
        (doc) => {
          if (!isRecord(doc)) return undefined;
          const versions = own(doc, 'versions');
          const files = own(doc, 'files');
          const index: ProjectIndex = {
            name: project,
            versions: Array.isArray(versions)
              ? versions.filter((v): v is string => typeof v === 'string' && VERSION.test(v))
              : [],
            yanked: new Set(),
            withProvenance: new Set(),
            provenanceFiles: new Map(),
            uploaded: new Map(),
            requiresPython: new Map(),
          };
          const byVersion = new Map<string, { yanked: boolean; count: number }>();
          for (const file of Array.isArray(files) ? files : []) {
            if (!isRecord(file)) continue;
            const filename = own(file, 'filename');
            if (typeof filename !== 'string') continue;
            // Wheels write the project name with underscores: compare in one spelling.
            const version = versionOfFile(project, filename.toLowerCase().replace(/_/g, '-'));
            if (version === undefined) continue;
            const entry = byVersion.get(version) ?? { yanked: true, count: 0 };
            const yanked = own(file, 'yanked');
            entry.yanked &&= yanked !== false && yanked !== undefined;
            entry.count++;
            byVersion.set(version, entry);
            if (own(file, 'provenance') !== null && own(file, 'provenance') !== undefined) {
              index.withProvenance.add(version);
              const hashes = own(file, 'hashes');
              const sha256 = isRecord(hashes) ? own(hashes, 'sha256') : undefined;
              if (
                typeof sha256 === 'string' &&
                /^[0-9a-f]{64}$/.test(sha256) &&
                FILENAME.test(filename) &&
                !index.provenanceFiles.has(version)
              )
                index.provenanceFiles.set(version, { filename, sha256 });
            }
            const requires = own(file, 'requires-python');
            if (
              typeof requires === 'string' &&
              requires.length < 200 &&
              !index.requiresPython.has(version)
            )
              index.requiresPython.set(version, requires);
            const uploaded = own(file, 'upload-time');
            if (
              typeof uploaded === 'string' &&
              (index.uploaded.get(version) ?? '\uffff') > uploaded
            )
              index.uploaded.set(version, uploaded);
          }
          for (const [version, entry] of byVersion)
            if (entry.count > 0 && entry.yanked) index.yanked.add(version);
          return index;
        },
      );
      this.indexes.set(project, pending);
    }
    return pending;
  }

  /**
   * The PEP 740 provenance of one distribution file, from PyPI's Integrity API on the configured
   * PyPI (never the URL the index gives); undefined when it has none.
   */
  provenance(name: string, version: string, filename: string): Promise<unknown> {
    const project = normaliseName(name);
    if (!NAME.test(project) || !VERSION.test(version) || !FILENAME.test(filename))
      return Promise.resolve(undefined);
    return this.get(
      `/integrity/${project}/${encodeURIComponent(version)}/${encodeURIComponent(filename)}/provenance`,
    );
  }

  /** One release's JSON document (undefined when PyPI does not have it). */
  release(name: string, version: string): Promise<unknown> {
    const project = normaliseName(name);
    if (!NAME.test(project) || !VERSION.test(version)) return Promise.resolve(undefined);
    const id = `${project}@${version}`;
    let pending = this.releases.get(id);
    if (pending === undefined) {
      pending = this.get(`/pypi/${project}/${encodeURIComponent(version)}/json`);
      this.releases.set(id, pending);
    }
    return pending;
  }
}
