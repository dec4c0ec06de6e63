/** `trustmap score`, `chokepoints`, `explain` and `whatif`: the trust engine for people. */
import type { Command } from 'commander';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { GraphStore } from '../graph/store.js';
import { resolveAnchors } from '../trust/anchors.js';
import { forwardGraph, pathsFrom, pathTo } from '../trust/closure.js';
import { buildCsr } from '../trust/csr.js';
import { describeExplanation, type VersionExplanation } from '../trust/explain.js';
import { loadTrustGraph } from '../trust/load.js';
import { computeScores, type ScoreResult } from '../trust/score.js';
import { chokepoints, rootIndex } from '../trust/report.js';
import { writeScores } from '../trust/write-scores.js';
import { cell, table } from './output.js';
import type { CliIo } from './program.js';

export interface TrustCommandDeps {
  io: CliIo;
  withStore: <T>(work: (store: GraphStore) => Promise<T>) => Promise<T>;
  positiveInt: (value: string) => number;
}

async function scoreFromStore(
  store: GraphStore,
  cwd: string,
  anchors?: string[],
): Promise<{ result: ScoreResult; source: string }> {
  const graph = await loadTrustGraph(store);
  const resolved = resolveAnchors(cwd, anchors);
  return { result: computeScores(graph, { anchors: resolved.anchors }), source: resolved.source };
}

/** Scores the store's graph and writes the scores back; returns a line for people. */
export async function scoreStore(
  store: GraphStore,
  cwd: string,
  anchors?: string[],
): Promise<string> {
  const { result } = await scoreFromStore(store, cwd, anchors);
  const written = await writeScores(store, result, new Date().toISOString());
  return `scored ${written.versions} resolved versions, ${written.packages} packages, ${written.persons} people and ${written.organisations} organisations\n`;
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
    .option('--anchor <key...>', 'reputation anchors')
    .option('--json', 'print a JSON array')
    .action(
      async (options: { root?: string; limit: number; anchor?: string[]; json?: boolean }) => {
        await withStore(async (store) => {
          const { result } = await scoreFromStore(store, io.cwd, options.anchor);
          const top = chokepoints(result, { root: options.root, limit: options.limit });
          if (options.json === true) {
            io.out(JSON.stringify(top, null, 2) + '\n');
            return;
          }
          if (top.length === 0) {
            io.out('no package in the scored graph has dependents: ingest a root first\n');
            return;
          }
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
                  r.path.length > 4
                    ? `${r.path.slice(0, 2).join(' > ')} > … > ${r.path.slice(-1).join('')}`
                    : r.path.join(' > '),
              })),
            ) + '\n',
          );
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
    .option('--json', 'print JSON')
    .action(async (options: { compromise: string; root?: string; json?: boolean }) => {
      await withStore(async (store) => {
        const { result } = await scoreFromStore(store, io.cwd);
        const person = result.persons.get(options.compromise);
        if (person === undefined)
          throw new InvalidInputError(`${options.compromise} is not a person in the graph`);
        const graph = forwardGraph(result);
        const reversed = buildCsr(result.nodes.length, result.dependencies, true);
        const owned = result.nodes
          .map((key, i) => [key, i] as const)
          .filter(
            ([key]) => result.versions.get(key)?.maintainers.includes(options.compromise) === true,
          );
        const hit = new Set<number>();
        const stack = owned.map(([, i]) => i);
        for (const i of stack) hit.add(i);
        while (stack.length > 0) {
          const q = stack.pop() as number;
          for (
            let e = reversed.offsets[q] as number;
            e < (reversed.offsets[q + 1] as number);
            e++
          ) {
            const p = reversed.targets[e] as number;
            if (!hit.has(p)) {
              hit.add(p);
              stack.push(p);
            }
          }
        }
        const root = options.root === undefined ? undefined : rootIndex(result.nodes, options.root);
        const parents = root === undefined ? undefined : pathsFrom(graph, root);
        const reached = [...hit]
          .map((i) => ({
            key: result.nodes[i] as string,
            path:
              parents === undefined
                ? undefined
                : pathTo(parents, i)?.map((j) => result.nodes[j] as string),
          }))
          .filter((r) => parents === undefined || r.path !== undefined)
          .sort((a, b) => a.key.localeCompare(b.key));
        const reachedKeys = new Set(reached.map((r) => r.key));
        const rootsReached = result.roots.filter((r) => reachedKeys.has(r));
        const report = {
          person: options.compromise,
          publishesInto: owned.map(([key]) => key),
          reaches: reached.length,
          rootsReached,
          reached,
        };
        if (options.json === true) {
          io.out(JSON.stringify(report, null, 2) + '\n');
          return;
        }
        io.out(
          `${options.compromise} can publish ${owned.length} resolved versions; a compromised account reaches ${reached.length}${root === undefined ? '' : ` under ${options.root ?? ''}`}:\n`,
        );
        if (rootsReached.length > 0) io.out(`roots it reaches: ${rootsReached.join(', ')}\n`);
        for (const r of reached.slice(0, 50))
          io.out(`  ${r.key}${r.path === undefined ? '' : `  via ${r.path.join(' > ')}`}\n`);
        if (reached.length > 50) io.out(`  ... and ${reached.length - 50} more (--json for all)\n`);
      });
    });
}
