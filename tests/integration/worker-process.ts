/**
 * `trustmap worker` in its own process, run from the sources (through tsx, as the embedded store
 * forks its host), so a test exercises the code beside it rather than a build that may be stale.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Neo4jConfig } from '../../core/config.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = path.resolve(import.meta.dirname, '../../cli/main.ts');

export interface WorkerProcessOptions {
  queue: string;
  /** The embedded store's file (TRUSTMAP_DB). */
  db: string;
  /** A Neo4j to write to instead of the embedded store (NEO4J_URI and the rest). */
  neo4j?: Neo4jConfig;
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
        ...(options.neo4j === undefined
          ? {}
          : {
              NEO4J_URI: options.neo4j.uri,
              NEO4J_USER: options.neo4j.user,
              NEO4J_PASSWORD: options.neo4j.password,
              NEO4J_DATABASE: options.neo4j.database,
            }),
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
