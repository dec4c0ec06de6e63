/**
 * A package's releases over time (`GET /api/packages/:key/timeline`): who published each, its
 * maintainers, install scripts, the dependencies it added against the release before it,
 * provenance and its stored change flags. At most `limit` releases, the newest; every string is
 * registry text, capped here and shown as text by the client. The releases published after the
 * instant the package's stored scores are as of are not listed (a replay's later fixes): the
 * timeline is the record the flags beside it were read from.
 */
import { NotFoundError } from '../core/errors.js';
import type { GraphStore } from '../graph/store.js';
import type { JsonValue } from '../graph/values.js';
import type { PackageTimelineAnswer, TimelineRelease } from '../shared/wire-types.js';
import { verifiedProvenance } from '../trust/load.js';
import { flagSeverityOf, storedAsOf, storedFlags } from '../trust/stored-scores.js';
import { dependencyName } from '../trust/version-flags.js';

/** The most releases one answer lists. */
export const MAX_TIMELINE_RELEASES = 500;
/** The most entries of any list of one release, and the longest string. */
const MAX_LIST = 200;
const MAX_TEXT = 300;

const text = (value: JsonValue | undefined): string | null =>
  typeof value === 'string' ? value.slice(0, MAX_TEXT) : null;
const bool = (value: JsonValue | undefined): boolean | null =>
  typeof value === 'boolean' ? value : null;
const list = (value: JsonValue | undefined): string[] | null =>
  Array.isArray(value)
    ? value
        .filter((v): v is string => typeof v === 'string')
        .slice(0, MAX_LIST)
        .map((v) => v.slice(0, MAX_TEXT))
    : null;

interface Read {
  release: TimelineRelease;
  dependencies: string[] | null;
}

export async function packageTimeline(
  store: GraphStore,
  key: string,
  limit = MAX_TIMELINE_RELEASES,
): Promise<PackageTimelineAnswer> {
  const node = await store.node(key);
  if (node === undefined || !node.labels.includes('Package'))
    throw new NotFoundError(`no package ${key}`);
  const [scored] = await store.read('package-scored-instant', { key });
  const asOf = storedAsOf(scored?.explanation);
  const cut = asOf === undefined ? NaN : Date.parse(asOf);
  const until = Number.isNaN(cut) ? null : new Date(cut).toISOString();
  // One more than listed: the oldest listed release is compared with the one before it.
  const rows = await store.read('package-timeline', { key, limit: limit + 1, until });
  const count = async (by: string | null): Promise<number | undefined> => {
    const [row] = await store.read('package-release-count', { key, until: by });
    return typeof row?.releases === 'number' ? row.releases : undefined;
  };
  const total = (await count(until)) ?? rows.length;
  const later = until === null ? 0 : ((await count(null)) ?? total) - total;
  const read: Read[] = rows.map((row) => {
    const p = (
      typeof row.properties === 'object' &&
      row.properties !== null &&
      !Array.isArray(row.properties)
        ? row.properties
        : {}
    ) as Record<string, JsonValue>;
    const publishers = list(row.publishers);
    const flags = storedFlags(p.explanation);
    return {
      dependencies: list(p.dependencies),
      release: {
        key: text(row.key) ?? '',
        version: text(p.version) ?? '?',
        publishedAt: text(p.publishedAt) ?? '',
        publishers:
          publishers !== null && (publishers.length > 0 || p.publisherKnown === true)
            ? publishers
            : null,
        maintainers: list(p.maintainers),
        maintainersAdded: [],
        maintainersRemoved: [],
        installScripts: list(p.installScripts),
        installScriptsAdded: [],
        dependenciesAdded: [],
        dependenciesRemoved: [],
        provenance: verifiedProvenance(p) ?? null,
        trustedPublisher: bool(p.trustedPublisher),
        flagSeverity: flagSeverityOf(p.flagSeverity),
        flagIds: flags.map((f) => f.id),
      },
    };
  });
  read.sort(
    (a, b) =>
      a.release.publishedAt.localeCompare(b.release.publishedAt) ||
      a.release.key.localeCompare(b.release.key),
  );
  for (let i = 1; i < read.length; i++) {
    const { release, dependencies } = read[i] as Read;
    const before = read[i - 1] as Read;
    if (dependencies !== null && before.dependencies !== null) {
      const had = new Set(before.dependencies.map(dependencyName));
      const has = new Set(dependencies.map(dependencyName));
      release.dependenciesAdded = dependencies.filter((d) => !had.has(dependencyName(d)));
      release.dependenciesRemoved = [...had].filter((d) => !has.has(d));
    }
    const [now, then] = [release.maintainers, before.release.maintainers];
    if (now !== null && then !== null) {
      release.maintainersAdded = now.filter((m) => !then.includes(m));
      release.maintainersRemoved = then.filter((m) => !now.includes(m));
    }
    if (release.installScripts !== null && before.release.installScripts !== null) {
      const had = before.release.installScripts;
      release.installScriptsAdded = release.installScripts.filter((s) => !had.includes(s));
    }
  }
  const releases = read.slice(Math.max(0, read.length - limit)).map((r) => r.release);
  return { key, releases, total, truncated: releases.length < total, asOf: until, later };
}
