/** `trustmap whatif`: what one compromised account could reach, from the stored scores. */
import { Option, type Command } from 'commander';
import { loadTrustGraph } from '../trust/load.js';
import { answerLimits, compromise } from '../trust/report.js';
import { storedScores } from '../trust/stored-scores.js';
import { checkAsOf, cutBy } from './answer-output.js';
import type { CommandContext } from './context.js';
import { isoInstant, positiveInt } from './io.js';

export function addWhatifCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('whatif')
    .description('what one compromised account could reach')
    .requiredOption('--compromise <person>', 'a person key, e.g. person:npm:someone')
    .option('--root <spec>', 'only within the closure of this root')
    .option('--limit <n>', 'how many reached versions to list', positiveInt, 10_000)
    .addOption(
      new Option(
        '--as-of <date>',
        'check that the stored scores are as of this instant (score them with "trustmap score --as-of")',
      ).argParser(isoInstant),
    )
    .option('--json', "print JSON (the API's answer: each path cut at the hop limit, saying so)")
    .action(
      async (options: {
        compromise: string;
        root?: string;
        limit: number;
        asOf?: Date;
        json?: boolean;
      }) => {
        await context.withStore(async (store, config) => {
          const result = storedScores(await loadTrustGraph(store));
          checkAsOf(result.scoring, options.asOf);
          const report = compromise(result, options.compromise, {
            root: options.root,
            limits: answerLimits(config, options.limit),
          });
          const { reached, rootsReached } = report;
          const root = options.root;
          if (options.json === true) {
            io.out(JSON.stringify(report, null, 2) + '\n');
            return;
          }
          io.out(
            `${options.compromise} can publish ${report.publishes} resolved versions; a compromised account reaches ${report.reaches}${root === undefined ? '' : ` under ${root}`}:\n`,
          );
          if (rootsReached.length > 0) io.out(`roots it reaches: ${rootsReached.join(', ')}\n`);
          for (const r of reached.slice(0, 50))
            io.out(
              `  ${r.key}${r.path.length < 2 ? '' : `  via ${r.path.join(' > ')}${r.pathTruncated ? ` > … (${r.hops} hops)` : ''}`}\n`,
            );
          if (report.reaches > 50)
            io.out(
              `  ... and ${report.reaches - Math.min(50, reached.length)} more (--json lists ${reached.length}${cutBy(report)})\n`,
            );
        });
      },
    );
}
