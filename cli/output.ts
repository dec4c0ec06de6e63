/** How the CLI prints for people: aligned tables, values shortened to fit a terminal. */
import { toCsv } from '../shared/csv.js';
import { text as jsonText, type JsonValue } from '../graph/values.js';
import type { Coverage, IngestSummary } from '../ingest/run-ingest.js';

export interface PipeOutput {
  write: (text: string) => void;
  /** A write failure other than a closed pipe (a full disk...), once seen. */
  failure: () => NodeJS.ErrnoException | undefined;
}

/**
 * Output to stdout or stderr whose reader may go away (`trustmap stats | head -1`). A closed pipe
 * (EPIPE) ends the output quietly, as it does for other Unix tools: this and later writes are
 * dropped, and the command goes on to finish, close its store and exit with its own code. Any
 * other write error is kept for the exit code. Handled once, here, for every command.
 */
export function pipeOutput(stream: NodeJS.WritableStream): PipeOutput {
  let closed = false;
  let failure: NodeJS.ErrnoException | undefined;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    closed = true;
    if (error.code !== 'EPIPE') failure ??= error;
  });
  return {
    write: (text) => {
      if (!closed) stream.write(text);
    },
    failure: () => failure,
  };
}

// C0 and C1 control characters, escape included: matching them is the point.
// eslint-disable-next-line no-control-regex
const CONTROL = new RegExp('[\\u0000-\\u001f\\u007f-\\u009f]', 'g');

export function cell(value: JsonValue | undefined, width = 60): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'object' && !Array.isArray(value) && value.kind === 'node') {
    const properties = value.properties as Record<string, JsonValue>;
    text = `(${(value.labels as string[]).map((l) => ':' + l).join('')} ${jsonText(properties.key ?? value.id)})`;
  } else text = JSON.stringify(value);
  // Registry text may hold terminal control sequences: never print them raw.
  text = text.replace(CONTROL, ' ');
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}

export function table(
  columns: readonly string[],
  rows: readonly Record<string, JsonValue>[],
): string {
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** An ingest summary for people: what was loaded, what failed, and what is not known. */
export function describeSummary(summary: IngestSummary): string {
  const lines: string[] = [];
  for (const root of summary.roots)
    lines.push(`root ${root.spec} -> ${root.resolved ?? 'not resolved'}`);
  lines.push(
    `ingested ${summary.resolved.length} versions of ${summary.counts.packages} packages in ${(summary.elapsedMs / 1000).toFixed(1)} s ` +
      `(${summary.counts.requests} registry requests, ${summary.counts.rowsWritten} rows written)`,
  );
  lines.push(describeCoverage(summary.coverage).trimEnd());
  if (summary.failures.length > 0) {
    lines.push(`${summary.failures.length} failure${summary.failures.length === 1 ? '' : 's'}:`);
    for (const f of summary.failures) {
      const from = f.parent === undefined ? '' : ` (required by ${f.parent})`;
      lines.push(
        `  ${cell(`${f.name}@${f.spec}`, 80)}${from}${f.optional ? ' [optional]' : ''}: ${cell(f.reason, 200)} [${f.code}]`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** What the trust model will have to go on, in words: "maintainers known for 0 of 68 packages". */
export function describeCoverage(c: Coverage): string {
  return (
    [
      `maintainers known for ${c.maintainersKnown} of ${c.packages} packages`,
      `publishers known for ${c.publishersKnown} of ${c.versions} versions`,
      `publish times known for ${c.timesKnown} of ${c.packages} packages`,
    ].join('\n') + '\n'
  );
}

/**
 * RFC 4180 CSV. A cell that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * quote mark: registry text ends up in these cells.
 */
export function csv(
  columns: readonly string[],
  rows: readonly Record<string, JsonValue>[],
): string {
  const text = (value: JsonValue | undefined): string =>
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  return toCsv(
    columns,
    rows.map((row) => columns.map((c) => text(row[c]))),
  );
}
