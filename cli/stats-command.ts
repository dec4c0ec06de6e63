/** `trustmap stats`: the graph's counts by label and type, and what is known. */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { describeCoverage, table } from './output.js';

export function addStatsCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('stats')
    .description('count the nodes and relationships in the graph store, and what is known')
    .option('--json', 'print a JSON object')
    .action(async (options: { json?: boolean }) => {
      await context.withStore(async (store) => {
        const counts = await store.counts();
        const coverage = await store.coverage();
        if (options.json === true) {
          const report = { store: store.kind, location: store.location, ...counts, coverage };
          io.out(JSON.stringify(report, null, 2) + '\n');
          return;
        }
        io.out(`${store.kind} store at ${store.location}\n`);
        const rows = [
          ...Object.entries(counts.nodes).map(([name, count]) => ({ kind: 'node', name, count })),
          ...Object.entries(counts.relationships).map(([name, count]) => ({
            kind: 'relationship',
            name,
            count,
          })),
        ];
        if (rows.length === 0) {
          io.out('the graph is empty\n');
          return;
        }
        io.out(table(['kind', 'name', 'count'], rows) + '\n');
        io.out(describeCoverage(coverage));
      });
    });
}
