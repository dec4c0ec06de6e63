/**
 * `trustmap worker` in its own process, run from the sources (through tsx, as the embedded store
 * forks its host), so a test exercises the code beside it rather than a build that may be stale.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = path.resolve(import.meta.dirname, '../../cli/main.ts');

export interface WorkerProcessOptions {
  queue: string;
  /** The embedded store's file (TRUSTMAP_DB). */
  db: string;
  redisUrl: string;
  concurrency: number;
  /** Appended to as the worker writes to stderr. */
  stderr: string[];
}

export function spawnWorker(
  options: WorkerProcessOptions,
): ChildProcessByStdio<null, null, Readable> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      MAIN,
      'worker',
      '--queue',
      options.queue,
      '--concurrency',
      String(options.concurrency),
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TRUSTMAP_DB: options.db,
        REDIS_URL: options.redisUrl,
        // Short locks: a killed worker's job is taken up again within seconds.
        TRUSTMAP_WORKER_LOCK_MS: '2000',
        TRUSTMAP_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr.on('data', (chunk: Buffer) => {
    options.stderr.push(chunk.toString());
  });
  return child;
}
