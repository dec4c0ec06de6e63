/**
 * `trustmap diff <base> <head>` (two lockfiles or SBOMs) or `trustmap diff --git <base>..<head>
 * [path]` (the lockfile at two commits of the repository here): each side ingested and scored in
 * a scratch store of its own, then compared in people terms. `--json`, `--markdown <file>`, and
 * `--fail-on <rules>` with check's exit codes: 0 pass, 1 a refused change, 2 an error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { InvalidInputError } from '../core/errors.js';
import { diffFails, diffTrees, DIFF_RULES, type DiffRule } from '../gate/diff.js';
import { describeDiff, diffMarkdown } from '../gate/diff-report.js';
import { emptyTree, type Tree } from '../gate/tree.js';
import { gate, gateOptions } from './check-command.js';
import type { CommandContext } from './context.js';
import { ingestTrees, withScratchStore, type GateRunOptions } from './gate-run.js';
import { EXIT } from './io.js';

interface DiffOptions extends GateRunOptions {
  git?: string;
  markdown?: string;
  failOn?: DiffRule[];
}

/** The most bytes of a lockfile read out of git. */
const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

function failOn(value: string, previous: DiffRule[] = []): DiffRule[] {
  const rules = value.split(',').map((r) => r.trim());
  for (const r of rules)
    if (!(DIFF_RULES as readonly string[]).includes(r))
      throw new InvalidArgumentError(`must be among ${DIFF_RULES.join(', ')}`);
  return [...previous, ...(rules as DiffRule[])];
}

/** `base..head` as two refs; a ref that could be read as an option is refused. */
function refs(range: string): [string, string] {
  const match = /^([^.\s][^\s]*?)\.\.([^.\s][^\s]*)$/.exec(range);
  if (match === null || match[1]?.startsWith('-') === true || match[2]?.startsWith('-') === true)
    throw new InvalidInputError(`--git ${range}: must be <base-ref>..<head-ref>`);
  return [match[1] as string, match[2] as string];
}

/**
 * Writes `file` as it is at `ref` into `dir` (same name), with its package.json if there is one;
 * undefined when the commit does not have the file (a change that adds the lockfile).
 */
function atCommit(cwd: string, ref: string, file: string, dir: string): string | undefined {
  const show = (what: string): Buffer =>
    execFileSync('git', ['-C', cwd, 'show', `${ref}:${what}`], {
      maxBuffer: MAX_LOCKFILE_BYTES,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const relative = path.posix.normalize(file.split(path.sep).join('/'));
  if (relative.startsWith('../') || path.isAbsolute(relative))
    throw new InvalidInputError(`${file}: must be a path inside the repository`);
  let text: Buffer;
  try {
    text = show(relative);
  } catch (error) {
    const why =
      error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : String(error);
    // The commit exists but the file is not in it: nothing was installed from it.
    if (/does not exist in|exists on disk, but not in/.test(why)) return undefined;
    throw new InvalidInputError(`git cannot show ${ref}:${relative}: ${why}`);
  }
  const out = path.join(dir, path.basename(relative));
  fs.writeFileSync(out, text);
  const manifest = path.posix.join(path.posix.dirname(relative), 'package.json');
  if (path.basename(relative) !== 'package.json')
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), show(manifest));
    } catch {
      // a lockfile alone: its root entry names the project
    }
  return out;
}

export function addDiffCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  gateOptions(
    program
      .command('diff')
      .description(
        'what a change to the tree brings: packages, people who can publish, scripts, flags',
      )
      .argument(
        '[base]',
        'the base lockfile or SBOM (with --git: the lockfile path, default package-lock.json)',
      )
      .argument('[head]', 'the head lockfile or SBOM')
      .option('--git <base..head>', 'compare the lockfile at two commits of the repository here')
      .option('--json', 'print the diff as JSON on stdout')
      .option('--markdown <file>', 'write a Markdown summary (for a pull request or job summary)')
      .option(
        '--fail-on <rules>',
        `exit 1 when the change brings one of: ${DIFF_RULES.join(', ')} (comma-separated)`,
        failOn,
      ),
  ).action(async (base: string | undefined, head: string | undefined, options: DiffOptions) => {
    await gate(context, 'diff', async () => {
      const settings = context.config();
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-diff-'));
      try {
        let sides: [string | undefined, string | undefined];
        let labels: [string, string];
        if (options.git !== undefined) {
          if (head !== undefined) throw new InvalidInputError('with --git, give at most one path');
          const [from, to] = refs(options.git);
          const file = base ?? 'package-lock.json';
          labels = [`${from}:${file}`, `${to}:${file}`];
          sides = (['base', 'head'] as const).map((side, i) => {
            const dir = path.join(scratch, side);
            fs.mkdirSync(dir);
            return atCommit(io.cwd, i === 0 ? from : to, file, dir);
          }) as [string | undefined, string | undefined];
          if (sides[1] === undefined)
            throw new InvalidInputError(`${to} has no ${file}: nothing to compare`);
        } else {
          if (base === undefined || head === undefined)
            throw new InvalidInputError('give a base and a head lockfile, or --git <base>..<head>');
          sides = [path.resolve(io.cwd, base), path.resolve(io.cwd, head)];
          labels = [base, head];
        }
        // One side after the other: each in its own store, so neither sees the other's tree.
        const treeOf = (file: string): Promise<Tree> =>
          withScratchStore(settings, async (store) => {
            const [root] = await ingestTrees(context, settings, store, [file], options);
            if (root === undefined) throw new Error('one root in, one tree out');
            return root.tree;
          });
        const after = await treeOf(sides[1] as string);
        // A change that adds the lockfile: everything in it is new.
        const before = sides[0] === undefined ? emptyTree(after.root) : await treeOf(sides[0]);
        const diff = diffTrees(before, after);
        const failed = diffFails(diff, options.failOn ?? []);
        if (options.markdown !== undefined)
          fs.writeFileSync(
            path.resolve(io.cwd, options.markdown),
            diffMarkdown(diff, failed, labels),
          );
        if (options.json === true)
          io.out(`${JSON.stringify({ ...diff, labels, failed }, null, 2)}\n`);
        else io.out(describeDiff(diff, failed, labels));
        return failed.length > 0 ? EXIT.failed : EXIT.ok;
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
}
