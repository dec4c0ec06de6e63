/** Starts one of the embedded store's host processes (./host.ts, ./query-host.ts) with IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Forks `<name>.js` beside this file (or `<name>.ts` with tsx's loader when running from the
 * sources, as tests and tsx do). `env` replaces the environment when given: the query host gets an
 * empty one, so no token or password is in the process that runs users' queries.
 */
export function forkHost(
  name: 'host' | 'query-host',
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): ChildProcess {
  const here = fileURLToPath(import.meta.url);
  const fromSources = here.endsWith('.ts');
  const file = path.join(path.dirname(here), `${name}.${fromSources ? 'ts' : 'js'}`);
  const execArgv = fromSources
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  return fork(file, [...args], {
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(env === undefined ? {} : { env }),
  });
}
