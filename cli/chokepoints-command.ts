/** `trustmap chokepoints`: the single points of failure, from the stored scores. */
import { Option, type Command } from 'commander';
import { loadTrustGraph } from '../trust/load.js';
import { answerLimits, chokepoints } from '../trust/report.js';
import { readVersionFlags, requireStoredAnchors, storedScores } from '../trust/stored-scores.js';
import { checkAsOf, cutBy, scoredWith } from './answer-output.js';
import type { CommandContext } from './context.js';
import { isoInstant, positiveInt } from './io.js';
import { table } from './output.js';

export function addChokepointsCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('chokepoints')
    .description('rank the single points of failure: reach, maintainers, bus factor, fragility')
    .option(
      '--root <spec>',
      'only the closure of this root (npm:express, npm:express@^4, or a version key)',
    )
    .option('--limit <n>', 'how many', positiveInt, 20)
    .option(
      '--anchor <key...>',
      'check that the stored scores were computed with these anchors (rescore with "trustmap score --anchor")',
    )
    .addOption(
      new Option(
        '--as-of <date>',
        'check that the stored scores are as of this instant (score them with "trustmap score --as-of")',
      ).argParser(isoInstant),
    )
    .option(
      '--json',
      'print JSON: {root, chokepoints, total, truncated, limits, scoring}, as the API',
    )
    .action(
      async (options: {
        root?: string;
        limit: number;
        anchor?: string[];
        asOf?: Date;
        json?: boolean;
      }) => {
        await context.withStore(async (store, config) => {
          const result = storedScores(await loadTrustGraph(store));
          requireStoredAnchors(result.scoring, options.anchor);
          checkAsOf(result.scoring, options.asOf);
          const answer = await chokepoints(result, {
            root: options.root,
            limits: answerLimits(config, options.limit),
            flagsOf: (keys) => readVersionFlags(store, keys),
          });
          const top = answer.chokepoints;
          if (options.json === true) {
            io.out(JSON.stringify(answer, null, 2) + '\n');
            return;
          }
          if (top.length === 0) {
            io.out('no package in the scored graph has dependents: ingest a root first\n');
            return;
          }
          io.out(scoredWith(answer.scoring));
          io.out(
            table(
              ['flag', 'key', 'reach', 'fragility', 'ownTrust', 'busFactor', 'maintainers', 'path'],
              top.map(({ flags, ...r }) => ({
                ...r,
                // A high flag is marked `!` with the worst flag's id; a lesser one by its id only.
                flag:
                  flags[0] === undefined
                    ? ''
                    : `${r.flagSeverity === 'high' ? '! ' : ''}${flags[0].id}`,
                maintainers:
                  r.busFactorSource === 'unknown'
                    ? 'unknown'
                    : r.maintainers.map((m) => m.replace(/^person:npm:/, '')).join(' '),
                path:
                  r.pathTruncated || r.path.length > 4
                    ? `${r.path.slice(0, 2).join(' > ')} > … > ${r.key} (${r.hops} hops)`
                    : r.path.join(' > '),
              })),
            ) + '\n',
          );
          if (answer.chokepoints.length < answer.total)
            io.out(`${answer.chokepoints.length} of ${answer.total} listed${cutBy(answer)}\n`);
        });
      },
    );
}
