/** `trustmap repos`: every repository in the graph read, and identities linked. */
import type { Command } from 'commander';
import { createLogger } from '../core/log.js';
import { repositoriesInput } from '../pipeline/plan.js';
import type { CommandContext } from './context.js';
import { describeRepositories, runWithProgress } from './stage-output.js';

export function addReposCommand(program: Command, context: CommandContext): void {
  program
    .command('repos')
    .description(
      "read every repository: through GitHub's API with GITHUB_TOKEN, else its git history (bare, blobless clones in .trustmap/git)",
    )
    .option('--json', 'print a JSON summary')
    .action(async (options: { json?: boolean }) => {
      const json = options.json === true;
      const { repositories, withToken } = await context.withStoreSource(async (store, settings) => {
        const logger = createLogger(settings.logLevel);
        const plan = { repositories: repositoriesInput(settings, logger), identities: true };
        const summary = await runWithProgress(plan, store, json);
        return {
          repositories: summary.repositories,
          withToken: settings.githubToken !== undefined,
        };
      });
      if (repositories === undefined) throw new Error('repos plans its repositories');
      context.io.out(
        json
          ? JSON.stringify(repositories, null, 2) + '\n'
          : describeRepositories(repositories, withToken),
      );
    });
}
