/** `trustmap query`: one read-only Cypher query, printed as a table, JSON or CSV. */
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { JsonValue } from '../graph/values.js';
import type { CommandContext } from './context.js';
import { parseParam, positiveInt } from './io.js';
import { csv, table } from './output.js';

interface QueryCliOptions {
  param: Record<string, JsonValue>;
  limit?: number;
  timeout?: number;
  format: 'table' | 'json' | 'csv';
  json?: boolean;
}

export function addQueryCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('query')
    .description('run a read-only Cypher query against the graph store')
    .argument('<cypher>', 'the query, or a .cypher file holding it; writes are rejected')
    .option(
      '-p, --param <name=value>',
      'a query parameter (value parsed as JSON when it is JSON)',
      parseParam,
      {},
    )
    .addOption(
      new Option('--limit <rows>', 'row limit (default: TRUSTMAP_QUERY_ROW_LIMIT)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option('--timeout <ms>', 'time limit (default: TRUSTMAP_QUERY_TIMEOUT_MS)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'csv'])
        .default('table'),
    )
    .option('--json', 'the same as --format json')
    .action(async (cypher: string, options: QueryCliOptions) => {
      const file = path.resolve(io.cwd, cypher);
      const text =
        cypher.endsWith('.cypher') && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : cypher;
      await context.withStore(async (store, settings) => {
        const result = await store.query(text, options.param, {
          rowLimit: options.limit ?? settings.queryRowLimit,
          timeoutMs: options.timeout ?? settings.queryTimeoutMs,
        });
        const format = options.json === true ? 'json' : options.format;
        if (format === 'json') io.out(JSON.stringify(result, null, 2) + '\n');
        else if (format === 'csv') io.out(csv(result.columns, result.rows));
        else {
          io.out(table(result.columns, result.rows) + '\n');
          const more = result.truncated
            ? ` (truncated at ${result.rows.length}; raise --limit for more)`
            : '';
          io.out(
            `${result.rows.length} row${result.rows.length === 1 ? '' : 's'} in ${result.elapsedMs} ms${more}\n`,
          );
        }
        if (format !== 'table' && result.truncated) {
          io.err(
            `trustmap query: truncated at ${result.rows.length} rows; raise --limit for more\n`,
          );
        }
      });
    });
}
