/**
 * Markdown for a pull request comment or a CI job summary. Every name and sentence from a
 * registry is escaped: it is shown as text, never as markup, links or HTML.
 */

/** Registry text as Markdown text: one line, markup characters escaped, at most `max` long. */
export function md(text: string, max = 300): string {
  // Control characters are dropped: matching them is the point.
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  const cut = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return (
    cut
      .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
      .replace(/^[-+#]/, (c) => `\\${c}`)
      // No mention (@scope, @user) and no autolink (https://, www.): a word joiner breaks them.
      .replace(/(^|[^\w.-])@/g, '$1@\u2060')
      .replace(/:\/\//g, ':\u2060//')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u2060.`)
  );
}

/** A Markdown table: a header row and rows of cells already escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${String(n)} ${n === 1 ? one : many}`;
