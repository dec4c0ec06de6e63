/**
 * A version proven built from another repository than the one its package names (starjacking, or
 * a stale field) keeps its verified attestation but borrows nothing from the named repository:
 * its commits and contributors count as none (not unknown, which would impute half), and its own
 * score is no higher than the same version claiming a dead repository. Tag overlap, the evidence
 * that tests the claim, stays as measured.
 */
import { describe, expect, it } from 'vitest';
import { emptyTrustGraph, type TrustGraph, type VersionNode } from '../../trust/load.js';
import { releaseHistory } from '../../trust/release-history.js';
import { versionSignals } from '../../trust/version-signals.js';

const PKG = 'pkg:npm/famous-lib';
const NAMED = 'github.com/popular/famous-lib';
const NOW = new Date('2026-06-01T00:00:00Z');

function version(key: string, builtFrom: string): VersionNode {
  return {
    key,
    version: key.split('@').pop(),
    publishedAt: '2026-05-01T00:00:00Z',
    hasInstallScripts: false,
    license: 'MIT',
    provenance: true,
    provenanceRepository: builtFrom,
    maintainers: undefined,
    installScripts: undefined,
    installScriptText: undefined,
    dependencies: undefined,
    trustedPublisher: undefined,
    tagged: undefined,
    project: false,
    trust: undefined,
    reach: undefined,
  };
}

function graph(): TrustGraph {
  const honest = version(`${PKG}@1.0.0`, NAMED);
  const jacked = version(`${PKG}@1.0.1`, 'github.com/mallory/famous-lib');
  const g: TrustGraph = {
    ...emptyTrustGraph(),
    versions: new Map([
      [honest.key, honest],
      [jacked.key, jacked],
    ]),
  };
  g.packages.set(PKG, {
    key: PKG,
    name: 'famous-lib',
    maintainersKnown: true,
    createdAt: '2020-01-01T00:00:00Z',
    latest: '1.0.1',
    tagOverlap: 0.9,
  });
  g.versionsOf.set(PKG, [honest.key, jacked.key]);
  g.packageOf.set(honest.key, PKG).set(jacked.key, PKG);
  g.hostedAt.set(PKG, NAMED);
  g.hostedVerified.add(PKG);
  g.repositories.set(NAMED, {
    commitsLast90Days: 40,
    activeContributors12Months: 6,
    busFactor: 3,
  });
  return g;
}

describe('a build from another repository', () => {
  it("is verified, but does not borrow the named repository's record", () => {
    const g = graph();
    const history = releaseHistory(g);
    const honest = versionSignals(g, `${PKG}@1.0.0`, history, NOW);
    expect(honest).toMatchObject({
      attested: true,
      repositoryVerified: true,
      commitsLast90Days: 40,
      activeContributors12Months: 6,
      tagOverlap: 0.9,
    });
    const jacked = versionSignals(g, `${PKG}@1.0.1`, history, NOW);
    expect(jacked).toMatchObject({
      attested: true,
      repositoryVerified: false,
      commitsLast90Days: 0,
      activeContributors12Months: 0,
      tagOverlap: 0.9,
    });
    // No better than a dead named repository: the borrowed activity adds nothing.
    g.repositories.set(NAMED, {
      commitsLast90Days: undefined,
      activeContributors12Months: undefined,
      busFactor: undefined,
    });
    const unknownRepository = versionSignals(g, `${PKG}@1.0.1`, history, NOW);
    expect(unknownRepository).toEqual(jacked);
  });
});
