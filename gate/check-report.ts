/** `trustmap check`'s results for people: a terminal summary and a Markdown one for a pull request. */
import type { CheckResult, Finding } from './evaluate.js';
import { md, plural, table } from './markdown.js';
import type { PolicyException } from './policy.js';

const failing = (f: Finding): boolean => f.accepted === undefined;

function exceptionText(e: PolicyException): string {
  return `${e.package} ${e.rule} (owner ${e.owner}, until ${e.expires}): ${e.reason}`;
}

/** One line per finding, failures first, then the accepted ones and the unused exceptions. */
export function describeCheck(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const failed = r.findings.filter(failing);
    const accepted = r.findings.filter((f) => !failing(f));
    lines.push(
      `${r.passed ? 'PASS' : 'FAIL'} ${r.root}: ${plural(r.packages, 'package')}, ${plural(r.people, 'person', 'people')} can publish into it; ${plural(failed.length, 'finding')}${accepted.length > 0 ? `, ${String(accepted.length)} accepted` : ''}${r.asOf === undefined ? '' : ` (scores as of ${r.asOf})`}`,
    );
    if (!r.advisoriesKnown)
      lines.push(
        '  note: no advisories were read (--no-advisories?): malicious releases go unseen',
      );
    for (const f of failed)
      lines.push(
        `  ${f.rule}  ${f.name}@${f.version}: ${f.message}${f.expired === undefined ? '' : `; its exception EXPIRED on ${f.expired.expires} (owner ${f.expired.owner}: ${f.expired.reason})`}`,
      );
    for (const f of accepted)
      lines.push(
        `  accepted ${f.rule}  ${f.name}@${f.version}: ${f.message}; excepted until ${f.accepted?.expires ?? ''} by ${f.accepted?.owner ?? ''}: ${f.accepted?.reason ?? ''}`,
      );
  }
  const unused = results[0]?.unused ?? [];
  for (const e of unused) lines.push(`exception matches nothing: ${exceptionText(e)}`);
  return `${lines.join('\n')}\n`;
}

/** The same for a pull request comment or a job summary. */
export function checkMarkdown(results: readonly CheckResult[]): string {
  const passed = results.every((r) => r.passed);
  const out: string[] = [`## trustmap check: ${passed ? 'passed' : 'failed'}`, ''];
  for (const r of results) {
    const failed = r.findings.filter(failing);
    out.push(
      `**${md(r.root)}**: ${plural(r.packages, 'package')}, ${plural(r.people, 'person', 'people')} can publish into it; ${plural(failed.length, 'finding')} ${failed.length === 0 ? '' : failed.length === 1 ? 'fails the policy' : 'fail the policy'}${r.asOf === undefined ? '' : ` (scores as of ${md(r.asOf)})`}`.trimEnd(),
      '',
    );
    if (!r.advisoriesKnown)
      out.push('No advisories were read: malicious releases and advisories go unseen.', '');
    if (r.findings.length === 0) continue;
    out.push(
      table(
        ['', 'rule', 'package', 'finding'],
        [...r.findings]
          .sort((a, b) => Number(failing(b)) - Number(failing(a)))
          .map((f) => [
            failing(f) ? (f.expired === undefined ? '❌' : '❌ exception expired') : '✅ accepted',
            `\`${f.rule}\``,
            md(`${f.name}@${f.version}`),
            `${md(f.message)}${
              f.accepted === undefined
                ? f.expired === undefined
                  ? ''
                  : `<br>exception expired on ${md(f.expired.expires)} (${md(f.expired.owner)}: ${md(f.expired.reason)})`
                : `<br>excepted until ${md(f.accepted.expires)} by ${md(f.accepted.owner)}: ${md(f.accepted.reason)}`
            }`,
          ]),
      ),
      '',
    );
  }
  const unused = results[0]?.unused ?? [];
  if (unused.length > 0) {
    out.push('Exceptions that match nothing (remove them):', '');
    for (const e of unused) out.push(`- ${md(exceptionText(e))}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
