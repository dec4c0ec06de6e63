/** `trustmap score`: the pipeline's score stage on the whole graph, with the anchors given. */
import { Option, type Command } from 'commander';
import { isoInstant } from './io.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import type { CommandContext } from './context.js';

export function addScoreCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('score')
    .description(
      'compute trust, exposure, reach and fragility for the ingested graph, and store them',
    )
    .option(
      '--anchor <key...>',
      'reputation anchors (default: trustmap.anchors.json, else the built-in list)',
    )
    .addOption(
      new Option(
        '--as-of <date>',
        'score as the registry stood then: later releases do not exist for flags and history',
      ).argParser(isoInstant),
    )
    .option('--json', 'print a JSON summary')
    .action(async (options: { anchor?: string[]; asOf?: Date; json?: boolean }) => {
      const score = { cwd: io.cwd, anchors: options.anchor, asOf: options.asOf };
      const { score: summary } = await context.withStoreSource((store) =>
        runPipeline({ identities: false, score }, store),
      );
      if (summary === undefined) throw new Error('score plans its scores');
      if (options.json === true) {
        io.out(JSON.stringify(summary, null, 2) + '\n');
        return;
      }
      io.out(
        `scored ${summary.versions} resolved versions, ${summary.packages} packages, ${summary.persons} people and ` +
          `${summary.organisations} organisations in ${(summary.elapsedMs / 1000).toFixed(1)} s\n`,
      );
      const { source, used } = summary.anchors;
      io.out(
        used.length === 0
          ? `no anchor from ${source} is in the graph: reputation is 0 everywhere (pass --anchor <org key>)\n`
          : `anchors in the graph (${source}): ${used.join(', ')}\n`,
      );
    });
}
