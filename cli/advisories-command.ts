/** `trustmap advisories`: OSV asked about every npm and PyPI version in the graph. */
import type { Command } from 'commander';
import { createLogger } from '../core/log.js';
import { advisoriesInput } from '../pipeline/plan.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import type { CommandContext } from './context.js';
import { describeAdvisories } from './stage-output.js';

export function addAdvisoriesCommand(program: Command, context: CommandContext): void {
  program
    .command('advisories')
    .description(
      'record the OSV advisories (OSV_URL) of every npm and PyPI version in the graph; sends the version list to OSV',
    )
    .option('--json', 'print a JSON summary')
    .action(async (options: { json?: boolean }) => {
      const { advisories } = await context.withStoreSource((store, settings) =>
        runPipeline(
          {
            advisories: advisoriesInput(settings, createLogger(settings.logLevel)),
            identities: false,
          },
          store,
        ),
      );
      if (advisories === undefined) throw new Error('advisories plans its advisories');
      context.io.out(
        options.json === true
          ? JSON.stringify(advisories, null, 2) + '\n'
          : describeAdvisories(advisories),
      );
    });
}
