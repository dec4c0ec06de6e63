/**
 * Change flags (TRUST-MODEL.md section 6.2): what a release changes in its package's record, as
 * of an instant. A release is compared with the record as it stood `settleMs` before it (so the
 * releases of one burst do not vouch for one another): who publishes, who maintains, what runs
 * at install, what gets pulled in, how it is built, and when. Releases published after the
 * instant do not exist; a fact the registry did not give (a mirror without maintainers) raises
 * no flag: unknown is not bad. Pure: it reads release facts and returns flags with sentences.
 */
import semver from 'semver';
import { FLAG_PARAMS, type FlagId, type FlagParams, type FlagSeverity } from './flag-params.js';

/** What one release shows, as the trust graph holds it (`trust/load.ts`). */
export interface ReleaseFacts {
  key: string;
  version: string;
  /** Upload time (ISO); releases without one are not in a timeline. */
  publishedAt: string;
  /** Person keys of who published it; undefined when unknown. */
  publishers: string[] | undefined;
  maintainers: string[] | undefined;
  installScripts: string[] | undefined;
  installScriptText: string[] | undefined;
  /** "name@range" */
  dependencies: string[] | undefined;
  provenance: boolean | undefined;
  trustedPublisher: boolean | undefined;
  /** Whether its repository has a tag for it; undefined when the repository was not read. */
  tagged?: boolean | undefined;
}

/** A package's releases up to the instant, oldest first. */
export interface PackageTimeline {
  key: string;
  name: string;
  createdAt: string | undefined;
  /** The `latest` dist-tag, when known. */
  latest: string | undefined;
  releases: ReleaseFacts[];
}

export interface VersionFlag {
  id: FlagId;
  severity: FlagSeverity;
  /** The change in words, naming what changed: the sentence a reader sees first. */
  evidence: string;
  /** When the flag holds from: the release's upload time. */
  since: string;
  /** The packages it is about, where it names some (the dependencies a release adds). */
  packages?: string[];
  /** The new accounts behind it, where that is what it says (a young package's publishers). */
  accounts?: string[];
}

/** What a flag of one package needs to know about others (a dependency's age and flags). */
export interface FlagContext {
  /** Creation time of a package by key (`time.created`), when known. */
  createdAt: (pkg: string) => string | undefined;
  /** The key of the package a dependency name denotes in this ecosystem, if it is a name. */
  packageKey: (name: string) => string | undefined;
  /** When an account's first release in the graph was published (as of the instant). */
  accountSince: (person: string) => string | undefined;
  /** Who published any release of a package (as of the instant). */
  publishersOf: (pkg: string) => readonly string[];
}

const DAY_MS = 24 * 3600 * 1000;
const days = (ms: number): number => Math.floor(ms / DAY_MS);
const at = (iso: string | undefined): number => (iso === undefined ? NaN : Date.parse(iso));
const person = (key: string): string => key.replace(/^person:[a-z-]+:/, '');
/** At most five items, then how many more: evidence stays a sentence, whatever a release lists. */
const listed = (items: readonly string[]): string =>
  items.length <= 5
    ? items.join(', ')
    : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
const people = (keys: readonly string[]): string => listed(keys.map(person));

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

/** The flags of each release of a timeline, by version key. */
export function timelineFlags(
  timeline: PackageTimeline,
  context: FlagContext,
  params: FlagParams = FLAG_PARAMS,
): Map<string, VersionFlag[]> {
  const out = new Map<string, VersionFlag[]>();
  const { releases } = timeline;
  const created = at(timeline.createdAt ?? releases[0]?.publishedAt);
  // Oldest first: the settled record of each release is a prefix, found with one pointer.
  const times = releases.map((r) => at(r.publishedAt));
  const bursts = burstSizes(times, params.burstWindowMs);
  let settledCount = 0;
  for (let i = 0; i < releases.length; i++) {
    const release = releases[i] as ReleaseFacts;
    const time = times[i] as number;
    while (settledCount < i && (times[settledCount] as number) <= time - params.settleMs)
      settledCount++;
    const settled = releases.slice(0, settledCount);
    const flags: VersionFlag[] = [];
    const flag: Flagger = (id, severity, evidence, packages, accounts) => {
      flags.push({
        id,
        severity,
        evidence,
        since: release.publishedAt,
        ...(packages === undefined ? {} : { packages }),
        ...(accounts === undefined ? {} : { accounts }),
      });
    };
    newPublisher(timeline, release, settled, context, params, flag);
    maintainersChanged(release, settled, context, params, flag);
    installScriptAdded(release, settled, flag);
    dependencyAdded(release, settled, context, params, flag);
    provenanceDropped(release, settled, flag);
    untaggedRelease(release, settled, params, flag);
    dormantThenRelease(release, releases[i - 1], params, flag);
    releaseBurst(releases, bursts[i] as [number, number], params, flag);
    if (time - created < params.youngPackageMs && i > 0) {
      // A new package of a new account: nobody with a record stands behind it. Medium here;
      // high once another account's release pulls it in (graph-flags.ts).
      const newAccounts = (release.publishers ?? []).filter(
        (p) => time - at(context.accountSince(p)) < params.youngPackageMs,
      );
      const byNew = newAccounts.length > 0 && newAccounts.length === release.publishers?.length;
      flag(
        'young-package',
        'medium',
        `${timeline.name} is ${days(time - created)} days old at this release${byNew ? `, published by ${people(newAccounts)}, whose first release anywhere was ${days(time - at(context.accountSince(newAccounts[0] as string)))} days before` : ''}`,
        undefined,
        byNew ? newAccounts : undefined,
      );
    }
    if (
      release.version === timeline.latest &&
      (semver.prerelease(release.version)?.length ?? 0) > 0
    )
      flag(
        'unusual-version',
        'low',
        `the latest tag points at ${release.version}, a pre-release version`,
      );
    if (flags.length > 0) out.set(release.key, flags);
  }
  return out;
}

type Flagger = (
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

function newPublisher(
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

function maintainersChanged(
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
  flag(
    'maintainers-changed',
    fresh.length > 0 ? 'high' : 'medium',
    `maintainers gained ${people(added)} since ${base.version}${publishing.length > 0 ? `, and ${fresh.length > 0 ? 'the new account' : 'the added account'} published this release` : ''}`,
  );
}

function installScriptAdded(
  release: ReleaseFacts,
  settled: readonly ReleaseFacts[],
  flag: Flagger,
): void {
  const change = addedSince(release, settled, 'installScripts');
  if (change === undefined) return;
  const { base, added } = change;
  const text = (release.installScriptText ?? []).filter((t) =>
    added.some((s) => t.startsWith(`${s}:`)),
  );
  flag(
    'install-script-added',
    'high',
    `adds ${added.join(', ')} at install, absent in ${base.version}${text.length > 0 ? ` (${text.join('; ')})` : ''}`,
  );
}

function dependencyAdded(
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

function provenanceDropped(
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

function untaggedRelease(
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

function dormantThenRelease(
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
function burstSizes(times: readonly number[], windowMs: number): [number, number][] {
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

function releaseBurst(
  releases: readonly ReleaseFacts[],
  [first, last]: [number, number],
  params: FlagParams,
  flag: Flagger,
): void {
  if (last - first + 1 < params.burstReleases) return;
  const near = releases.slice(first, last + 1);
  flag(
    'release-burst',
    'medium',
    `one of ${near.length} releases within ${Math.round(params.burstWindowMs / 60_000)} minutes (${listed(near.map((r) => r.version))})`,
  );
}

/** The worst severity among flags, if any. */
export function worstSeverity(flags: readonly VersionFlag[]): FlagSeverity | undefined {
  let worst: FlagSeverity | undefined;
  for (const f of flags)
    if (worst === undefined || FLAG_PARAMS.rank[f.severity] > FLAG_PARAMS.rank[worst])
      worst = f.severity;
  return worst;
}

/** The factor own trust is multiplied by for these flags. */
export function flagFactor(
  flags: readonly VersionFlag[],
  params: FlagParams = FLAG_PARAMS,
): number {
  return flags.reduce((product, f) => product * params.factor[f.severity], 1);
}
