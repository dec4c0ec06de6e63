/**
 * The `trustmap` command: wires one file per command (cli/*-command.ts) into
 * one program, and turns what a command throws into an exit code. The commands parse, call the
 * pipeline or the library, and print.
 */
import { Command, CommanderError } from 'commander';
import { settingRows } from '../core/config.js';
import { isTrustmapError } from '../core/errors.js';
import { addAdvisoriesCommand } from './advisories-command.js';
import { addCheckCommand } from './check-command.js';
import { addChokepointsCommand } from './chokepoints-command.js';
import { addDiffCommand } from './diff-command.js';
import { commandContext } from './context.js';
import { addExplainCommand } from './explain-command.js';
import { addExploreCommand } from './explore-command.js';
import { addIngestCommand } from './ingest-command.js';
import { EXIT, ExitCode, type CliIo } from './io.js';
import { packageVersion } from './package-info.js';
import { localTrust } from '../ingest/provenance/index.js';
import { useVerificationTrust } from '../ingest/verification-trust.js';
import { registerProvenanceCommand } from './provenance-command.js';
import { addQueryCommand } from './query-command.js';
import { addReposCommand } from './repos-command.js';
import { addScoreCommand } from './score-command.js';
import { addServeCommand } from './serve-command.js';
import { addStatsCommand } from './stats-command.js';
import { addWhatifCommand } from './whatif-command.js';
import { addWorkerCommand } from './worker-command.js';

export { EXIT, type CliIo } from './io.js';

/** Commands that ingest, and so verify provenance. */
const VERIFYING = new Set(['ingest', 'worker', 'check', 'diff', 'serve', 'explore']);

const ENVIRONMENT_HELP = [
  '',
  'Environment:',
  ...settingRows().map(
    (row) => `  ${row.name.padEnd(26)} ${row.description} (default: ${row.default})`,
  ),
].join('\n');

export function buildProgram(io: CliIo): Command {
  const context = commandContext(io);
  const program = new Command('trustmap')
    .description('Whom am I trusting when I install this, and where would the chain break?')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run "trustmap --help" for the commands)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', ENVIRONMENT_HELP)
    .exitOverride();

  addStatsCommand(program, context);
  addQueryCommand(program, context);
  addIngestCommand(program, context);
  addReposCommand(program, context);
  addAdvisoriesCommand(program, context);
  addWorkerCommand(program, context);
  addExploreCommand(program, context);
  addServeCommand(program, context);
  addScoreCommand(program, context);
  addChokepointsCommand(program, context);
  addExplainCommand(program, context);
  addWhatifCommand(program, context);
  addCheckCommand(program, context);
  addDiffCommand(program, context);
  registerProvenanceCommand(program, context);
  // The commands that verify provenance use the working folder's copies of the keys and the
  // trusted root when there are some; a bad copy fails them before they start.
  program.hook('preAction', (_program, action) => {
    if (!VERIFYING.has(action.name())) return;
    const trust = localTrust(process.cwd());
    useVerificationTrust(trust.options);
    for (const file of trust.files) io.err(`verifying provenance with ${file}\n`);
  });
  return program;
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitCode) return error.code;
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isTrustmapError(error)) {
      io.err(`trustmap: ${error.message} [${error.code}]\n`);
      return error.code === 'CONFIG_INVALID' || error.code === 'INVALID_INPUT'
        ? EXIT.usage
        : EXIT.failed;
    }
    io.err(
      `trustmap: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failed;
  }
}
