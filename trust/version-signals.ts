/**
 * The raw local signals of a version (TRUST-MODEL.md 2.1), gathered from the graph: its
 * repository's activity and tag overlap, release recency, provenance, install scripts, licence,
 * advisories, and the overrides (known malicious, provenance regression, first-time publisher).
 * A signal the graph does not hold is left out, so that `localScore` imputes it.
 */
import { isOsiLicence } from './licences.js';
import type { TrustGraph } from './load.js';
import type { VersionSignals } from './local.js';
import type { ReleaseHistory } from './release-history.js';

function monthsBetween(from: string | undefined, now: Date): number | undefined {
  if (from === undefined) return undefined;
  const at = Date.parse(from);
  return Number.isNaN(at)
    ? undefined
    : Math.max(0, (now.getTime() - at) / (30.4375 * 24 * 3600 * 1000));
}

/**
 * Whether the package's claimed repository is proven: true when a verified attestation names it
 * (the link is verified), false when this version's verified attestation names another one (the
 * claim is false: starjacking, or a stale field); left out when nothing proves either.
 */
function repositoryVerified(
  graph: TrustGraph,
  pkg: string | undefined,
  builtFrom: string | undefined,
): { repositoryVerified?: boolean } {
  if (pkg === undefined) return {};
  const claimed = graph.hostedAt.get(pkg);
  if (builtFrom !== undefined && claimed !== undefined && builtFrom !== claimed)
    return { repositoryVerified: false };
  return graph.hostedVerified.has(pkg) ? { repositoryVerified: true } : {};
}

/** The local signals of the version with this key, as known at `now`. */
export function versionSignals(
  graph: TrustGraph,
  key: string,
  history: ReleaseHistory,
  now: Date,
): VersionSignals {
  const version = graph.versions.get(key);
  const pkg = graph.packageOf.get(key);
  const previous = history.previousVersion(key);
  const advisories = graph.advisoriesKnown
    ? (graph.affectedBy.get(key) ?? []).map(
        (v) => graph.vulnerabilities.get(v)?.severity ?? 'moderate',
      )
    : undefined;
  const verifiedLink = repositoryVerified(graph, pkg, version?.provenanceRepository);
  // A version proven built from another repository does not borrow the named one's activity: it
  // counts none (not unknown, which would impute more than a dead repository earns). Tag overlap
  // stays: it is the evidence that tests the claim, and a false claim's is low.
  const borrowed = verifiedLink.repositoryVerified === false;
  const repository = pkg === undefined ? undefined : graph.hostedAt.get(pkg);
  const repoHistory = borrowed
    ? { commitsLast90Days: 0, activeContributors12Months: 0 }
    : repository === undefined
      ? undefined
      : graph.repositories.get(repository);
  const overlap = pkg === undefined ? undefined : graph.packages.get(pkg)?.tagOverlap;
  const lastRelease = pkg === undefined ? undefined : history.lastRelease(pkg);
  const osiLicence = isOsiLicence(version?.license);
  const firstTimePublisher = history.firstTimePublisher(key);
  return {
    ...(repoHistory?.commitsLast90Days === undefined
      ? {}
      : { commitsLast90Days: repoHistory.commitsLast90Days }),
    ...(repoHistory?.activeContributors12Months === undefined
      ? {}
      : { activeContributors12Months: repoHistory.activeContributors12Months }),
    ...(overlap === undefined ? {} : { tagOverlap: overlap }),
    ...verifiedLink,
    ...(lastRelease !== undefined
      ? { monthsSinceRelease: monthsBetween(lastRelease, now) as number }
      : {}),
    ...(version?.provenance === undefined ? {} : { attested: version.provenance }),
    ...(version?.hasInstallScripts === undefined
      ? {}
      : { hasInstallScripts: version.hasInstallScripts }),
    ...(osiLicence === undefined ? {} : { osiLicence }),
    ...(advisories === undefined ? {} : { advisories }),
    malicious: (graph.affectedBy.get(key) ?? []).some(
      (v) => graph.vulnerabilities.get(v)?.malicious === true,
    ),
    provenanceRegression:
      previous !== undefined &&
      graph.versions.get(previous)?.provenance === true &&
      version?.provenance === false,
    ...(firstTimePublisher === undefined ? {} : { firstTimePublisher }),
  };
}
