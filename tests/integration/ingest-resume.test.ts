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
    let requests = 0;
    registry.onRequest = () => {
      requests++;
    };
    expect(await ingest(clean).done).toBe(0);
    const expected = await snapshot(clean);
    const needed = requests;
    expect(needed).toBeGreaterThan(4);

    // Killed as it asks for half the packuments the whole run needs (seen by the registry, before
    // that one is answered): midway through fetching, so whatever it has written is a part.
    const interrupted = path.join(work.dir, 'interrupted.grafeo');
    requests = 0;
    const first = ingest(interrupted);
    registry.onRequest = () => {
      if (++requests === Math.ceil(needed / 2)) first.kill();
    };
    const killed = (await first.done) === null;
    registry.onRequest = undefined;
    expect(killed).toBe(true);
    expect(requests).toBeLessThan(needed);
    const partial = await snapshot(interrupted);
    expect(partial.nodes.length).toBeLessThan(expected.nodes.length);

    expect(await ingest(interrupted).done).toBe(0);
    expect(await snapshot(interrupted)).toEqual(expected);
  }, 120_000);
});
