/** `trustmap score`, `chokepoints`, `explain` and `whatif`: the trust engine for people. */
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { NotFoundError } from '../errors.js';
import type { GraphStore } from '../graph/store.js';
import { describeExplanation, type VersionExplanation } from '../trust/explain.js';
import { loadTrustGraph } from '../trust/load.js';
import { answerLimits, chokepoints, compromise } from '../trust/report.js';
import { scoreFromStore } from '../trust/score-store.js';
import { requireStoredAnchors, storedScores } from '../trust/stored-scores.js';
import { writeScores } from '../trust/write-scores.js';
import { cell, table } from './output.js';
import type { CliIo } from './io.js';

export interface TrustCommandDeps {
  io: CliIo;
  withStore: <T>(work: (store: GraphStore, config: Config) => Promise<T>) => Promise<T>;
  positiveInt: (value: string) => number;
}

export function addTrustCommands(program: Command, deps: TrustCommandDeps): void {
  const { io, withStore } = deps;

  program
    .command('score')
    .description(
      'compute trust, exposure, reach and fragility for the ingested graph, and store them',
    )
    .option(
      '--anchor <key...>',
      'reputation anchors (default: trustmap.anchors.json, else the built-in list)',
    )
    .option('--json', 'print a JSON summary')
    .action(async (options: { anchor?: string[]; json?: boolean }) => {
      await withStore(async (store) => {
        const started = performance.now();
        const { result, source } = await scoreFromStore(store, io.cwd, options.anchor);
        const scoredAt = new Date().toISOString();
        const written = await writeScores(store, result, scoredAt);
        const summary = {
          scoredAt,
          versions: written.versions,
          packages: written.packages,
          persons: written.persons,
          organisations: written.organisations,
          cleared: written.cleared,
          anchors: { source, used: result.anchorsUsed, notInGraph: result.anchorsMissing.length },
          elapsedMs: Math.round(performance.now() - started),
        };
        if (options.json === true) {
          io.out(JSON.stringify(summary, null, 2) + '\n');
          return;
        }
        io.out(
          `scored ${summary.versions} resolved versions, ${summary.packages} packages, ${summary.persons} people and ` +
            `${summary.organisations} organisations in ${(summary.elapsedMs / 1000).toFixed(1)} s\n`,
        );
        io.out(
          result.anchorsUsed.length === 0
            ? `no anchor from ${source} is in the graph: reputation is 0 everywhere (pass --anchor <org key>)\n`
            : `anchors in the graph (${source}): ${result.anchorsUsed.join(', ')}\n`,
        );
      });
    });

  program
    .command('chokepoints')
    .description('rank the single points of failure: reach, maintainers, bus factor, fragility')
    .option(
      '--root <spec>',
      'only the closure of this root (npm:express, npm:express@^4, or a version key)',
    )
    .option('--limit <n>', 'how many', deps.positiveInt, 20)
    .option(
      '--anchor <key...>',
      'check that the stored scores were computed with these anchors (rescore with "trustmap score --anchor")',
    )
    .option(
      '--json',
      'print JSON: {root, chokepoints, total, truncated, limits, scoring}, as the API',
    )
    .action(
      async (options: { root?: string; limit: number; anchor?: string[]; json?: boolean }) => {
        await withStore(async (store, config) => {
          const result = storedScores(await loadTrustGraph(store));
          requireStoredAnchors(result.scoring, options.anchor);
          const answer = chokepoints(result, {
            root: options.root,
            limits: answerLimits(config, options.limit),
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
              ['key', 'reach', 'fragility', 'ownTrust', 'busFactor', 'maintainers', 'path'],
              top.map((r) => ({
                ...r,
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

  program
    .command('explain')
    .description('say in words why a package, version or person has its score')
    .argument('<key>', 'a node key: pkg:npm/express, pkg:npm/express@5.1.0, person:npm:...')
    .option('--json', 'print the stored explanation')
    .action(async (key: string, options: { json?: boolean }) => {
      await withStore(async (store) => {
        const node = await store.node(key);
        if (node === undefined) throw new NotFoundError(`no node ${key} in the graph`);
        const raw = node.properties.explanation;
        if (typeof raw !== 'string')
          throw new NotFoundError(`${key} has no score yet: run "trustmap score"`);
        const explanation = JSON.parse(raw) as Record<string, unknown>;
        if (options.json === true) {
          io.out(JSON.stringify(explanation, null, 2) + '\n');
          return;
        }
        if (explanation.metric === 'E') {
          io.out(
            `${cell(key, 200)}: ${describeExplanation(explanation as unknown as VersionExplanation)}\n`,
          );
          return;
        }
        const value = typeof explanation.value === 'number' ? explanation.value.toFixed(2) : '?';
        const reachText =
          typeof explanation.maintainerReach === 'number'
            ? `; can publish into ${explanation.maintainerReach} resolved versions (${String(explanation.soleMaintainerReach)} as the only publisher)`
            : '';
        io.out(
          `${cell(key, 200)}: trust ${value} (reputation ${String(explanation.reputation)} from anchors ${(explanation.anchors as string[]).join(', ') || 'none'})${reachText}\n`,
        );
      });
    });

  program
    .command('whatif')
    .description('what one compromised account could reach')
    .requiredOption('--compromise <person>', 'a person key, e.g. person:npm:someone')
    .option('--root <spec>', 'only within the closure of this root')
    .option('--limit <n>', 'how many reached versions to list', deps.positiveInt, 10_000)
    .option('--json', "print JSON (the API's answer: each path cut at the hop limit, saying so)")
    .action(
      async (options: { compromise: string; root?: string; limit: number; json?: boolean }) => {
        await withStore(async (store, config) => {
          const result = storedScores(await loadTrustGraph(store));
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

/** Which run the numbers come from, for people. */
function scoredWith(scoring: { scoredAt: string; anchors: string[] }): string {
  return `scores of ${scoring.scoredAt}, anchors ${scoring.anchors.join(', ') || 'none in the graph'}\n`;
}

/** Why an answer lists fewer rows than it found, for people. */
function cutBy(answer: { truncated: boolean; limits: { rows: number; bytes: number } }): string {
  return answer.truncated
    ? `; answers are cut at --limit ${answer.limits.rows} and ${Math.round(answer.limits.bytes / 1024)} KiB (TRUSTMAP_ANSWER_LIMIT_KB)`
    : '';
}
