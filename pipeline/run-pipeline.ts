/**
 * The one composition of the stages: roots, repositories, advisories, identities, score, each run
 * when the plan asks for it, in that order. A repository or advisory that cannot be read is in its
 * stage's summary and does not stop the run; a failure of the store or of a whole stage does.
 */
import type { PipelinePlan } from './plan.js';
import { readAdvisories, type AdvisoriesSummary } from './read-advisories.js';
import { readRepositories, type RepositoriesSummary } from './read-repositories.js';
import { linkIdentityStage, type IdentitiesSummary } from './link-identities.js';
import { resolveRoots, type RootsSummary } from './resolve-roots.js';
import { scoreGraph, type ScoreSummary } from './score.js';
import type { PipelineProgress, StoreSource } from './stage-types.js';

export interface PipelineSummary {
  roots?: RootsSummary;
  repositories?: RepositoriesSummary;
  advisories?: AdvisoriesSummary;
  identities?: IdentitiesSummary;
  score?: ScoreSummary;
}

export async function runPipeline(
  plan: PipelinePlan,
  store: StoreSource,
  progress: PipelineProgress = {},
): Promise<PipelineSummary> {
  const summary: PipelineSummary = {};
  if (plan.roots !== undefined) {
    progress.stage?.('roots');
    summary.roots = await resolveRoots(plan.roots, store, progress);
    if (plan.stopUnlessResolved === true && summary.roots.roots.every((r) => r.resolved === null))
      return summary;
  }
  if (plan.repositories !== undefined) {
    progress.stage?.('repositories');
    summary.repositories = await readRepositories(
      plan.repositories,
      store,
      progress,
      summary.roots?.resolved,
    );
  }
  const linkAfterRoots =
    summary.roots?.resolved.some((key) => key.startsWith('pkg:pypi/')) === true;
  if (plan.identities && (summary.repositories !== undefined || linkAfterRoots)) {
    progress.stage?.('identities');
    summary.identities = await linkIdentityStage(store);
    // The repositories' summary says how many links the graph holds after them, as it always has.
    if (summary.repositories !== undefined)
      summary.repositories = { ...summary.repositories, linked: summary.identities.linked };
  }
  if (plan.advisories !== undefined) {
    progress.stage?.('advisories');
    summary.advisories = await readAdvisories(plan.advisories, store);
  }
  if (plan.score !== undefined) {
    progress.stage?.('score');
    summary.score = await scoreGraph(plan.score, store);
  }
  return summary;
}
