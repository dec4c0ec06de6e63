/**
 * `trustmap explore`: ingest (with repositories unless --no-repos) and score, then serve the
 * explorer on the same store, opened once.
 */
import type { Command } from 'commander';
import { createLogger } from '../core/log.js';
import { ingestPlan } from '../pipeline/plan.js';
import { describeScores } from '../pipeline/score.js';
import type { CommandContext } from './context.js';
import { exitCodeOf, ingestOptions } from './ingest-command.js';
import { EXIT, ExitCode } from './io.js';
import { describeSummary } from './output.js';
import { serveExplorer, serveOptions, type ServeOptions } from './serve-command.js';
import { describeRepositories, runWithProgress } from './stage-output.js';

export function addExploreCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  serveOptions(
    program
      .command('explore')
      .description('ingest and score packages, then serve the explorer and print its address')
      .argument(
        '<spec...>',
        'npm:<name>[@range], pypi:<name>[@version], package URLs, or lockfile, requirements or SBOM paths',
      )
      .option('--no-repos', "do not read the closure's repositories"),
  ).action(async (specs: string[], options: ServeOptions & { repos: boolean }) => {
    await context.withStoreSource(async (store, settings) => {
      const logger = createLogger(settings.logLevel);
      const ingest = ingestOptions(context, settings, specs, {
        concurrency: settings.fetchConcurrency,
        repos: options.repos,
        ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
      });
      const plan = ingestPlan(
        settings,
        { ...ingest, score: { cwd: io.cwd }, stopUnlessResolved: true },
        logger,
      );
      const summary = await runWithProgress(plan, store, false);
      if (summary.roots === undefined) throw new Error('explore plans its roots');
      io.out(describeSummary(summary.roots));
      const roots = summary.roots.roots.flatMap((r) => (r.resolved === null ? [] : [r.resolved]));
      const code = exitCodeOf(summary.roots);
      if (code !== EXIT.ok && roots.length === 0) throw new ExitCode(code);
      if (summary.repositories !== undefined)
        io.out(describeRepositories(summary.repositories, settings.githubToken !== undefined));
      if (summary.score !== undefined) io.out(describeScores(summary.score));
      await serveExplorer(context, await store.get(), settings, options, roots[0]);
    });
  });
}
