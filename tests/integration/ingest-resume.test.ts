/** An ingest killed midway and run again completes, with nothing duplicated and nothing lost. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { graphSnapshot } from '../helpers/graph-snapshot.js';
import { tempDir } from '../helpers/temp.js';

let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };

beforeAll(async () => {
  registry = await startFixtureRegistry();
  work = tempDir('trustmap-resume-');
});
afterAll(async () => {
  await registry.close();
  work.cleanup();
});

function ingest(
  db: string,
  onStderr?: (text: string) => void,
): { done: Promise<number | null>; kill: () => void } {
  const child = spawn(
    process.execPath,
    [
      path.resolve('dist/cli/main.js'),
      'ingest',
      'npm:yargs@16.1.0',
      'npm:rimraf@3.0.2',
      '--concurrency',
      '2',
      '--no-repos',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TRUSTMAP_DB: db,
        NPM_REGISTRY: registry.url,
        TRUSTMAP_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr.on('data', (chunk: Buffer) => onStderr?.(chunk.toString()));
  return {
    done: new Promise((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    ),
    kill: () => child.kill('SIGKILL'),
  };
}

async function snapshot(db: string): Promise<{ nodes: unknown[]; relationships: unknown[] }> {
  const store = await EmbeddedStore.open(db);
  const graph = await graphSnapshot(store);
  await store.close();
  return graph;
}

describe('an interrupted ingest', () => {
  it('run again gives the graph an uninterrupted run gives', async () => {
    const clean = path.join(work.dir, 'clean.grafeo');
    expect(await ingest(clean).done).toBe(0);
    const expected = await snapshot(clean);

    const interrupted = path.join(work.dir, 'interrupted.grafeo');
    registry.delayMs = 100;
    const first = ingest(interrupted);
    // Kill it once some of it has been written (the store file grows), long before it is done.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    first.kill();
    const killed = (await first.done) === null;
    registry.delayMs = 0;
    expect(killed).toBe(true);
    const partial = await snapshot(interrupted);
    expect(partial.nodes.length).toBeLessThan(expected.nodes.length);

    expect(await ingest(interrupted).done).toBe(0);
    expect(await snapshot(interrupted)).toEqual(expected);
  }, 120_000);
});
