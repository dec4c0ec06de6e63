/** Writes a scoring run's results onto the nodes, replacing the previous run's. */
import type { GraphStore, ScoreRow } from '../graph/store.js';
import { explainOrganisation, explainPerson, explainVersion } from './explain.js';
import type { ScoreResult, VersionScore } from './score.js';
import { worstSeverity } from './version-flags.js';

export interface WrittenScores {
  versions: number;
  packages: number;
  persons: number;
  organisations: number;
  cleared: number;
}

function versionProperties(
  score: VersionScore,
): Omit<ScoreRow['scores'], 'explanation' | 'scoredAt'> {
  return {
    trust: score.trust,
    ownTrust: score.ownTrust,
    exposure: score.exposure,
    reach: score.reach,
    busFactor: score.busFactor,
    fragility: score.fragility,
    flagSeverity: worstSeverity(score.flags) ?? null,
  };
}

export async function writeScores(
  store: GraphStore,
  result: ScoreResult,
  scoredAt: string,
): Promise<WrittenScores> {
  const anchors = result.anchorsUsed;
  const versionRows: ScoreRow[] = [];
  for (const score of result.versions.values()) {
    versionRows.push({
      key: score.key,
      scores: {
        ...versionProperties(score),
        explanation: JSON.stringify(explainVersion(score, anchors, result.asOf)),
        scoredAt,
      },
    });
  }
  const packageRows: ScoreRow[] = [];
  for (const [pkg, versionKey] of result.packageVersion) {
    const score = result.versions.get(versionKey);
    if (score === undefined) continue;
    packageRows.push({
      key: pkg,
      scores: {
        ...versionProperties(score),
        explanation: JSON.stringify({
          ...explainVersion(score, anchors, result.asOf),
          version: versionKey,
        }),
        scoredAt,
      },
    });
  }
  const personRows: ScoreRow[] = [...result.persons.values()].map((p) => ({
    key: p.key,
    scores: {
      trust: p.trust,
      ownTrust: p.local,
      maintainerReach: p.maintainerReach,
      fragility: p.fragility,
      explanation: JSON.stringify(explainPerson(p, anchors, result.asOf)),
      scoredAt,
    },
  }));
  const orgRows: ScoreRow[] = [...result.organisations.values()].map((o) => ({
    key: o.key,
    scores: {
      trust: o.trust,
      explanation: JSON.stringify(explainOrganisation(o, anchors, result.asOf)),
      scoredAt,
    },
  }));
  const written: WrittenScores = {
    versions: await store.writeScores('Version', versionRows),
    packages: await store.writeScores('Package', packageRows),
    persons: await store.writeScores('Person', personRows),
    organisations: await store.writeScores('Organisation', orgRows),
    cleared: 0,
  };
  for (const label of ['Version', 'Package', 'Person', 'Organisation', 'Repository'] as const) {
    written.cleared += await store.clearScores(label, scoredAt);
  }
  return written;
}
