#!/usr/bin/env node
/** Entry point of the `trustmap` command: wires the process to the CLI and exits with its code. */
import { run } from './program.js';

const code = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
