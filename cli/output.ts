/** How the CLI prints for people: aligned tables, values shortened to fit a terminal. */
import { text as jsonText, type JsonValue } from '../graph/values.js';

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
