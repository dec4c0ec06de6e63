/** What the pipeline's stages print for people, and the progress shown on stderr while they run. */
import type { PipelinePlan } from '../pipeline/plan.js';
import type { AdvisoriesSummary } from '../pipeline/read-advisories.js';
import type { RepositoriesSummary } from '../pipeline/read-repositories.js';
import { runPipeline, type PipelineSummary } from '../pipeline/run-pipeline.js';
import type { StoreSource } from '../pipeline/stage-types.js';
import { countDisplay, progressDisplay } from './progress.js';

export function describeRepositories(summary: RepositoriesSummary, withToken: boolean): string {
  const through = withToken
    ? `${summary.through.github} through GitHub's API, ${summary.through.git} from git history`
    : 'from git history';
  let text = `repositories: read ${summary.read} of ${summary.repositories} (${through}), ${summary.contributors} contributors, ${summary.linked} identity links (${(summary.elapsedMs / 1000).toFixed(1)} s)\n`;
  for (const failure of summary.failures.slice(0, 20))
    text += `  ${failure.repository}: ${failure.reason}\n`;
  if (summary.failures.length > 20)
    text += `  ... and ${summary.failures.length - 20} more (--json lists them all)\n`;
  return text;
}

export function describeAdvisories(summary: AdvisoriesSummary): string {
  let text =
    `advisories: ${summary.advisories} hit ${summary.affected} of ${summary.versions} versions` +
    ` (${summary.requests} OSV requests, ${(summary.elapsedMs / 1000).toFixed(1)} s)\n`;
  if (summary.malicious.length > 0) text += `malicious packages: ${summary.malicious.join(', ')}\n`;
  if (summary.unconfirmed > 0)
    text += `${summary.unconfirmed} versions OSV named are outside the advisories' own ranges: not recorded\n`;
  return text;
}

/**
 * Runs a plan with the progress of its long stages on stderr (quiet when `json` and stderr is not
 * a terminal, so a script reads stdout alone).
 */
export async function runWithProgress(
  plan: PipelinePlan,
  store: StoreSource,
  json: boolean,
): Promise<PipelineSummary> {
  const quiet = json && !process.stderr.isTTY;
  let roots: ReturnType<typeof progressDisplay> | undefined;
  let repositories: ReturnType<typeof countDisplay> | undefined;
  const stop = (): void => {
    roots?.stop();
    repositories?.stop();
    roots = undefined;
    repositories = undefined;
  };
  try {
    return await runPipeline(plan, store, {
      stage: (stage) => {
        stop();
        if (stage === 'roots') roots = progressDisplay(process.stderr, quiet);
        if (stage === 'repositories')
          repositories = countDisplay(process.stderr, quiet, 'repositories');
      },
      roots: (progress) => roots?.update(progress),
      repositories: (done, total) => repositories?.update(done, total),
    });
  } finally {
    stop();
  }
}
