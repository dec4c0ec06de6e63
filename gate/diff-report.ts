/** `trustmap diff` for people: a terminal summary and a Markdown one for a pull request. */
import type { ReviewItem, TreeDiff } from './diff.js';
import { md, plural, table } from './markdown.js';

const bare = (key: string): string => key.replace(/^pkg:[a-z]+\//, '').replace(/^%40/, '@');

function counts(diff: TreeDiff): string {
  return `${plural(diff.added.length, 'package')} added, ${String(diff.removed.length)} removed, ${String(diff.changed.length)} changed; ${plural(diff.peopleAdded.length, 'person', 'people')} can now publish into the tree (${String(diff.peopleAdded.filter((p) => p.newAccount).length)} new ${diff.peopleAdded.filter((p) => p.newAccount).length === 1 ? 'account' : 'accounts'}), ${String(diff.peopleRemoved.length)} no longer can; ${plural(diff.installScripts.length, 'new install script')}`;
}

/** What the two sides are called: the refs or files compared (default: the root keys). */
export type SideLabels = readonly [string, string];

export function describeDiff(
  diff: TreeDiff,
  failed: readonly ReviewItem[],
  labels: SideLabels = [diff.base, diff.head],
): string {
  const lines = [`${labels[0]} -> ${labels[1]}`, counts(diff)];
  if (diff.review.length > 0) {
    lines.push('', 'review first:');
    for (const item of diff.review) lines.push(`  ${item.kind}  ${item.subject}: ${item.text}`);
  }
  if (diff.added.length > 0) lines.push('', `added: ${diff.added.map(bare).join(', ')}`);
  if (diff.removed.length > 0) lines.push(`removed: ${diff.removed.map(bare).join(', ')}`);
  if (diff.changed.length > 0)
    lines.push(
      `changed: ${diff.changed.map((c) => `${c.name} ${c.from} -> ${c.to} (${c.jump})`).join(', ')}`,
    );
  if (failed.length > 0)
    lines.push('', `FAIL: ${plural(failed.length, 'change')} the --fail-on rules refuse`);
  return `${lines.join('\n')}\n`;
}

export function diffMarkdown(
  diff: TreeDiff,
  failed: readonly ReviewItem[],
  labels: SideLabels = [diff.base, diff.head],
): string {
  const out = [`## trustmap diff: ${md(labels[0])} → ${md(labels[1])}`, '', counts(diff), ''];
  if (failed.length > 0)
    out.push(`**Failed**: ${plural(failed.length, 'change')} the \`--fail-on\` rules refuse.`, '');
  if (diff.review.length > 0)
    out.push(
      '### Review first',
      '',
      table(
        ['what', 'who or which', 'why'],
        diff.review.map((item) => [`\`${item.kind}\``, md(item.subject), md(item.text)]),
      ),
      '',
    );
  if (diff.peopleAdded.length > 0)
    out.push(
      '### People who can now publish into the tree',
      '',
      table(
        ['account', 'packages', 'first release seen', 'trust'],
        diff.peopleAdded.map((p) => [
          `${md(p.name)}${p.newAccount ? ' (new account)' : ''}`,
          md(p.packages.join(', ')),
          p.accountDays === undefined ? 'unknown' : `${String(p.accountDays)} days ago`,
          p.trust === undefined ? 'unknown' : p.trust.toFixed(2),
        ]),
      ),
      '',
    );
  const rows = [
    ...diff.added.map((k) => ['added', md(bare(k))]),
    ...diff.removed.map((k) => ['removed', md(bare(k))]),
    ...diff.changed.map((c) => ['changed', md(`${c.name} ${c.from} → ${c.to} (${c.jump})`)]),
  ];
  if (rows.length > 0) out.push('### Packages', '', table(['change', 'package'], rows), '');
  if (diff.trust.length > 0)
    out.push(
      '### Trust',
      '',
      table(
        ['package', 'versions', 'trust'],
        diff.trust.map((t) => [
          md(t.name),
          md(`${t.from} → ${t.to}`),
          `${t.before.toFixed(2)} → ${t.after.toFixed(2)} (${t.delta >= 0 ? '+' : ''}${t.delta.toFixed(2)})`,
        ]),
      ),
      '',
    );
  return `${out.join('\n').trimEnd()}\n`;
}
