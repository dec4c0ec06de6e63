/**
 * The rules of the change flags (TRUST-MODEL.md section 6.2), one function each, and the helpers
 * their sentences share. `version-flags.ts` runs them over a package's timeline; each compares a
 * release with the record as it stood `settleMs` before it (`settled`).
 */
import semver from 'semver';
import type { FlagId, FlagParams, FlagSeverity } from './flag-params.js';
import type { FlagContext, PackageTimeline, ReleaseFacts } from './version-flags.js';

const DAY_MS = 24 * 3600 * 1000;
export const days = (ms: number): number => Math.floor(ms / DAY_MS);
export const at = (iso: string | undefined): number => (iso === undefined ? NaN : Date.parse(iso));
const person = (key: string): string => key.replace(/^person:[a-z-]+:/, '');
/** At most five items, then how many more: evidence stays a sentence, whatever a release lists. */
const listed = (items: readonly string[]): string =>
  items.length <= 5
    ? items.join(', ')
    : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
export const people = (keys: readonly string[]): string => listed(keys.map(person));

/**
 * "name@range" -> name: cut at the first `@` after the first character, so a scoped name keeps
 * its leading `@` and a range holding one (`git+ssh://git@github.com/...`) stays whole.
 */
export function dependencyName(dependency: string): string {
  const cut = dependency.indexOf('@', 1);
  return cut > 0 ? dependency.slice(0, cut) : dependency;
}

/** The latest release of `settled` for which `known` holds, if any. */
function lastKnown(
  settled: readonly ReleaseFacts[],
  known: (release: ReleaseFacts) => boolean,
): ReleaseFacts | undefined {
  for (let i = settled.length - 1; i >= 0; i--) {
    const release = settled[i] as ReleaseFacts;
    if (known(release)) return release;
  }
  return undefined;
}

export type Flagger = (
  id: FlagId,
  severity: FlagSeverity,
  evidence: string,
  packages?: string[],
  accounts?: string[],
) => void;

/** Whether an account's first release in the graph is older than `establishedMs` at this release. */
function established(
  person: string,
  release: ReleaseFacts,
  context: FlagContext,
  params: FlagParams,
): boolean {
  const since = at(context.accountSince(person));
  // An account whose age is unknown is not read as new: unknown is not bad.
  if (Number.isNaN(since)) return true;
  return at(release.publishedAt) - since >= params.establishedMs;
}

export function newPublisher(
  timeline: PackageTimeline,
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  context: FlagContext,
  params: FlagParams,
  flag: Flagger,
): void {
  const who = release.publishers;
  const known = settled.filter((r) => r.publishers !== undefined && r.publishers.length > 0);
  // A trusted-publishing release is published by the CI's account, vouched for by OIDC: moving
  // to it is not a change of hands (leaving it is: trusted-publishing-dropped).
  if (
    who === undefined ||
    who.length === 0 ||
    known.length === 0 ||
    release.trustedPublisher === true
  )
    return;
  const ever = new Set(known.flatMap((r) => r.publishers ?? []));
  const newcomers = who.filter((p) => !ever.has(p));
  if (newcomers.length > 0) {
    const fresh = newcomers.filter((p) => !established(p, release, context, params));
    flag(
      'new-publisher',
      fresh.length > 0 ? 'high' : 'medium',
      `published by ${people(newcomers)}, who had never published ${timeline.name} (its ${known.length} earlier releases: ${people([...ever])})${fresh.length > 0 ? `; ${people(fresh)} ${fresh.length === 1 ? 'is a new account' : 'are new accounts'}` : ', an established account'}`,
    );
    return;
  }
  const time = at(release.publishedAt);
  const recent = new Set(
    known
      .filter(
        (r, i) =>
          i >= known.length - params.publisherRecentReleases ||
          time - at(r.publishedAt) <= params.publisherRecentMs,
      )
      .flatMap((r) => r.publishers ?? []),
  );
  const returning = who.filter((p) => !recent.has(p));
  if (returning.length > 0)
    flag(
      'new-publisher',
      'medium',
      `published by ${people(returning)}, who had not published ${timeline.name} in its last ${params.publisherRecentReleases} releases or ${days(params.publisherRecentMs)} days`,
    );
}

type ListField = 'maintainers' | 'installScripts' | 'dependencies';

/**
 * What a list of this release holds that the settled record's last known list did not (compared
 * by `name`), and that release; undefined when either is unknown or nothing was added.
 */
function addedSince(
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  field: ListField,
  name: (item: string) => string = (item) => item,
): { base: ReleaseFacts; added: string[] } | undefined {
  const base = lastKnown(settled, (r) => r[field] !== undefined);
  const now = release[field];
  const then = base?.[field];
  if (now === undefined || base === undefined || then === undefined) return undefined;
  const before = new Set(then.map(name));
  const added = now.filter((item) => !before.has(name(item)));
  return added.length === 0 ? undefined : { base, added };
}

export function maintainersChanged(
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  context: FlagContext,
  params: FlagParams,
  flag: Flagger,
): void {
  const change = addedSince(release, settled, 'maintainers');
  if (change === undefined) return;
  const { base, added } = change;
  const publishing = added.filter((m) => release.publishers?.includes(m) === true);
  const fresh = publishing.filter((m) => !established(m, release, context, params));
  // The lists are seen only at releases: the change happened between base and this release.
  // Within the window it is recent; after a longer gap it may be old news, unless a new account
  // (whose first release is recent by definition) is the one who published.
  const gap = at(release.publishedAt) - at(base.publishedAt);
  const recent = gap <= params.maintainersWindowMs;
  const severity: FlagSeverity = fresh.length > 0 ? 'high' : recent ? 'medium' : 'low';
  const when = recent
    ? `within ${Math.max(1, days(gap)) === 1 ? 'a day' : `${days(gap)} days`} before this release (since ${base.version})`
    : `at some time in the ${days(gap)} days since ${base.version}`;
  flag(
    'maintainers-changed',
    severity,
    `maintainers gained ${people(added)} ${when}${publishing.length > 0 ? `, and ${fresh.length > 0 ? 'the new account' : 'the added account'} published this release` : ''}`,
  );
}

export function installScriptAdded(
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  flag: Flagger,
): void {
  const change = addedSince(release, settled, 'installScripts');
  if (change !== undefined) {
    const { base, added } = change;
    const text = (release.installScriptText ?? []).filter((t) =>
      added.some((s) => t.startsWith(`${s}:`)),
    );
    flag(
      'install-script-added',
      'high',
      `adds ${added.join(', ')} at install, absent in ${base.version}${text.length > 0 ? ` (${text.join('; ')})` : ''}`,
    );
    return;
  }
  // The same script name with another body: what runs at install changed all the same.
  const base = lastKnown(settled, (r) => r.installScriptText !== undefined);
  const before = new Set(base?.installScriptText ?? []);
  const names = new Set(base?.installScripts ?? []);
  const changed = (release.installScriptText ?? []).filter(
    (t) => !before.has(t) && names.has(t.split(':')[0] as string),
  );
  if (base !== undefined && changed.length > 0)
    flag(
      'install-script-added',
      'high',
      `changes what runs at install since ${base.version} (${changed.join('; ')})`,
    );
}

export function dependencyAdded(
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  context: FlagContext,
  params: FlagParams,
  flag: Flagger,
): void {
  const change = addedSince(release, settled, 'dependencies', dependencyName);
  if (change === undefined) return;
  const { base, added } = change;
  const time = at(release.publishedAt);
  const young: string[] = [];
  for (const dependency of added) {
    const key = context.packageKey(dependencyName(dependency));
    const created = at(key === undefined ? undefined : context.createdAt(key));
    // A maintainer splitting out a package of their own is not a stranger's new package.
    const own =
      key !== undefined &&
      context.publishersOf(key).some((p) => release.publishers?.includes(p) === true);
    if (time - created < params.youngPackageMs && !own)
      young.push(`${dependency} (created ${days(time - created)} days before)`);
  }
  const patch =
    semver.valid(release.version) !== null &&
    semver.valid(base.version) !== null &&
    semver.major(release.version) === semver.major(base.version) &&
    semver.minor(release.version) === semver.minor(base.version) &&
    semver.gt(release.version, base.version);
  const severity: FlagSeverity = young.length > 0 ? 'high' : patch ? 'medium' : 'info';
  const what = young.length > 0 ? listed(young) : listed(added);
  flag(
    'dependency-added',
    severity,
    `adds ${what}${patch ? ` in a patch release (after ${base.version})` : ` (not in ${base.version})`}`,
    added.map(dependencyName),
  );
}

export function provenanceDropped(
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  flag: Flagger,
): void {
  const base = settled[settled.length - 1];
  if (base === undefined) return;
  if (base.provenance === true && release.provenance === false)
    flag('provenance-dropped', 'high', `no provenance, where ${base.version} had it`);
  if (base.trustedPublisher === true && release.trustedPublisher === false)
    flag(
      'trusted-publishing-dropped',
      'high',
      `published with a token, where ${base.version} came from trusted publishing`,
    );
}

export function untaggedRelease(
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  params: FlagParams,
  flag: Flagger,
): void {
  if (release.tagged !== false) return;
  const known = settled.filter((r) => r.tagged !== undefined).slice(-params.taggedReleases);
  if (known.length < params.taggedReleases || known.some((r) => r.tagged !== true)) return;
  flag(
    'untagged',
    'medium',
    `no repository tag for ${release.version}, where the ${known.length} releases before it (${known.map((r) => r.version).join(', ')}) were tagged`,
  );
}

export function dormantThenRelease(
  release: ReleaseFacts,
  previous: ReleaseFacts | undefined,
  params: FlagParams,
  flag: Flagger,
): void {
  if (previous === undefined) return;
  const gap = at(release.publishedAt) - at(previous.publishedAt);
  if (!(gap > params.dormantMs)) return;
  const other =
    release.publishers !== undefined &&
    previous.publishers !== undefined &&
    release.publishers.some((p) => previous.publishers?.includes(p) !== true);
  flag(
    'dormant-then-release',
    other ? 'medium' : 'low',
    `the first release in ${days(gap)} days (since ${previous.version})${other ? ', by another account' : ''}`,
  );
}

/**
 * For each release (times oldest first), the fullest window of `windowMs` that holds it, as the
 * indexes [first, last] of the releases in it: a window starts at a release, so only the
 * releases at most `windowMs` before it need trying. Linear in the releases of one burst.
 */
export function burstSizes(times: readonly number[], windowMs: number): [number, number][] {
  const end: number[] = [];
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    j = Math.max(j, i);
    while (j + 1 < times.length && (times[j + 1] as number) - (times[i] as number) <= windowMs) j++;
    end.push(j);
  }
  return times.map((time, i) => {
    let best: [number, number] = [i, i];
    for (let s = i; s >= 0 && time - (times[s] as number) <= windowMs; s--) {
      const last = end[s] as number;
      if (last >= i && last - s > best[1] - best[0]) best = [s, last];
    }
    return best;
  });
}

export function releaseBurst(
  releases: readonly ReleaseFacts[],
  index: number,
  [first, last]: [number, number],
  params: FlagParams,
  flag: Flagger,
): void {
  if (last - first + 1 >= params.burstReleases) {
    const near = releases.slice(first, last + 1);
    flag(
      'release-burst',
      'medium',
      `one of ${near.length} releases within ${Math.round(params.burstWindowMs / 60_000)} minutes (${listed(near.map((r) => r.version))})`,
    );
    return;
  }
  // A new major line opened minutes after a release of an older one (0.8.0, then 1.0.0).
  const release = releases[index] as ReleaseFacts;
  const major = majorOf(release.version);
  if (major === undefined || !opensMajorLine(releases, index, major)) return;
  const time = at(release.publishedAt);
  for (let i = index - 1; i >= 0; i--) {
    const earlier = releases[i] as ReleaseFacts;
    const gap = time - at(earlier.publishedAt);
    if (gap > params.burstWindowMs) break;
    const line = majorOf(earlier.version);
    if (line !== undefined && line < major) {
      flag(
        'release-burst',
        params.majorLineSeverity,
        `opens the ${major}.x line ${Math.round(gap / 60_000)} minutes after ${earlier.version}`,
      );
      return;
    }
  }
}

/** The major of a stable semver version; undefined for a pre-release or a non-semver one. */
function majorOf(version: string): number | undefined {
  if (semver.valid(version) === null || (semver.prerelease(version)?.length ?? 0) > 0)
    return undefined;
  return semver.major(version);
}

/** Whether no release before `index` has a stable version of this major or a higher one. */
function opensMajorLine(releases: readonly ReleaseFacts[], index: number, major: number): boolean {
  for (let i = 0; i < index; i++) {
    const line = majorOf((releases[i] as ReleaseFacts).version);
    if (line !== undefined && line >= major) return false;
  }
  return true;
}

/**
 * unusual-version: the `latest` tag (as of the instant) on a pre-release, or a major line that
 * skips one or more above every earlier release (2.x to 9.0.0, as dependency-confusion packages do).
 */
export function unusualVersion(
  releases: readonly ReleaseFacts[],
  index: number,
  latest: string | undefined,
  params: FlagParams,
  flag: Flagger,
): void {
  const release = releases[index] as ReleaseFacts;
  if (release.version === latest && (semver.prerelease(release.version)?.length ?? 0) > 0)
    flag(
      'unusual-version',
      'low',
      `the latest tag points at ${release.version}, a pre-release version`,
    );
  const major = majorOf(release.version);
  if (major === undefined) return;
  let highest: number | undefined;
  for (let i = 0; i < index; i++) {
    const line = majorOf((releases[i] as ReleaseFacts).version);
    if (line !== undefined && (highest === undefined || line > highest)) highest = line;
  }
  if (highest !== undefined && major - highest - 1 >= params.majorLinesSkipped)
    flag(
      'unusual-version',
      'medium',
      `jumps to the ${major}.x line from ${highest}.x, skipping ${major - highest - 1 === 1 ? 'a major version' : `${major - highest - 1} major versions`}`,
    );
}
