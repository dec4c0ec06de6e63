#!/usr/bin/env node
/** Entry point of the `trustmap` command: wires the process to the CLI and exits with its code. */
import { EXIT, run } from './program.js';
import { pipeOutput } from './output.js';

// A reader that goes away (`| head -1`) ends the output quietly; the command still closes its store.
const stdout = pipeOutput(process.stdout);
const stderr = pipeOutput(process.stderr);
const code = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  out: stdout.write,
  err: stderr.write,
});
const failure = stdout.failure() ?? stderr.failure();
if (failure !== undefined)
  stderr.write(`trustmap: the output could not be written (${failure.code ?? failure.message})\n`);
process.exitCode = failure !== undefined && code === EXIT.ok ? EXIT.failed : code;
