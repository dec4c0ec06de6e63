/** `trustmap explain`: why a package, version or person has its stored score, in words. */
import { Option, type Command } from 'commander';
import { NotFoundError } from '../core/errors.js';
import { verificationWords } from '../shared/provenance-words.js';
import { describeExplanation, type VersionExplanation } from '../trust/explain.js';
import { storedFlags } from '../trust/stored-scores.js';
import { checkAsOf } from './answer-output.js';
import type { CommandContext } from './context.js';
import { isoInstant } from './io.js';
import { cell } from './output.js';

export function addExplainCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('explain')
    .description('say in words why a package, version or person has its score')
    .argument('<key>', 'a node key: pkg:npm/express, pkg:npm/express@5.1.0, person:npm:...')
    .addOption(
      new Option(
        '--as-of <date>',
        'check that the stored scores are as of this instant (score them with "trustmap score --as-of")',
      ).argParser(isoInstant),
    )
    .option('--json', 'print the stored explanation, with its change flags as `flags` ([] if none)')
    .action(async (key: string, options: { asOf?: Date; json?: boolean }) => {
      await context.withStore(async (store) => {
        const node = await store.node(key);
        if (node === undefined) throw new NotFoundError(`no node ${key} in the graph`);
        const raw = node.properties.explanation;
        if (typeof raw !== 'string')
          throw new NotFoundError(`${key} has no score yet: run "trustmap score"`);
        const explanation = JSON.parse(raw) as Record<string, unknown>;
        const asOf = typeof explanation.asOf === 'string' ? explanation.asOf : undefined;
        checkAsOf(asOf === undefined ? undefined : { asOf }, options.asOf);
        if (options.json === true) {
          // `flags` as the API gives it: a person's or organisation's explanation has none.
          io.out(
            JSON.stringify({ ...explanation, flags: storedFlags(explanation) }, null, 2) + '\n',
          );
          return;
        }
        if (explanation.metric === 'E') {
          const verified = verificationWords(node.properties);
          io.out(
            `${cell(key, 200)}: ${cell(describeExplanation(explanation as unknown as VersionExplanation), 8000)}\n`,
          );
          for (const line of verified) io.out(`  ${cell(line, 2000)}\n`);
          return;
        }
        const value = typeof explanation.value === 'number' ? explanation.value.toFixed(2) : '?';
        const reachText =
          typeof explanation.maintainerReach === 'number'
            ? `; can publish into ${explanation.maintainerReach} resolved versions (${String(explanation.soleMaintainerReach)} as the only publisher)`
            : '';
        io.out(
          `${cell(key, 200)}: trust ${value} (${recordText(explanation.record)}reputation ${String(explanation.reputation)} from anchors ${(explanation.anchors as string[]).join(', ') || 'none'})${reachText}\n`,
        );
      });
    });
}

/** A person's record in words, from their stored explanation; empty for an organisation. */
function recordText(record: unknown): string {
  if (typeof record !== 'object' || record === null) return '';
  const r = record as Record<string, unknown>;
  if (r.known !== true) return 'record unknown: no dated release in the graph; ';
  const years = typeof r.tenureYears === 'number' ? r.tenureYears : 0;
  const tenure = years < 1 ? `${Math.round(years * 365.25)} days` : `${years.toFixed(1)} years`;
  return `releasing for ${tenure}: ${String(r.releases)} releases in ${String(r.activeYears)} years, ${String(r.packages)} packages; `;
}
