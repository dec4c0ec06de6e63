/**
 * The built `trustmap` when its reader goes away (`trustmap stats | head -1`): it ends quietly
 * with its own exit code, no stack trace, and its store closed (the file opens again at once).
 */
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { spawnCli } from '../helpers/cli.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };
let db: string;

beforeAll(async () => {
  registry = await startFixtureRegistry();
});
afterAll(async () => {
  await registry.close();
});
beforeEach(() => {
  work = tempDir('trustmap-cli-pipe-');
  db = path.join(work.dir, 'graph.grafeo');
});
afterEach(() => {
  work.cleanup();
});

/** When the test closes a pipe: after the first line (`| head -1`), or before anything is printed. */
type Close = 'after-first-line' | 'at-once' | 'never';

async function trustmap(args: string[], close: { stdout: Close; stderr: Close }) {
  const child = spawnCli(args, work.dir, { TRUSTMAP_DB: db, NPM_REGISTRY: registry.url });
  const read = (stream: NodeJS.ReadableStream & { destroy: () => void }, how: Close) => {
    const text = { all: '' };
    if (how === 'at-once') stream.destroy();
    else
      stream.on('data', (chunk: Buffer) => {
        text.all += chunk.toString('utf8');
        if (how === 'after-first-line' && text.all.includes('\n')) {
          text.all = text.all.slice(0, text.all.indexOf('\n') + 1);
          stream.destroy();
        }
      });
    return text;
  };
  const stdout = read(child.stdout, close.stdout);
  const stderr = read(child.stderr, close.stderr);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout: stdout.all, stderr: stderr.all };
}

/**
 * Which of `keys` the store holds, opened after the command has exited: the open fails if the
 * command left its store host running (it would still hold the file's lock).
 */
async function inStore(keys: string[]): Promise<string[]> {
  const store = await EmbeddedStore.open(db, { openTimeoutMs: 5000 });
  try {
    const found: string[] = [];
    for (const key of keys) if ((await store.node(key)) !== undefined) found.push(key);
    return found;
  } finally {
    await store.close();
  }
}

const CHALK = ['pkg:npm/chalk@4.1.0', 'pkg:npm/supports-color@7.2.0', 'pkg:npm/color-name@1.1.4'];

describe('trustmap with a closed output pipe', () => {
  it('stats: exits 0 and says nothing on stderr when stdout is gone before it prints', async () => {
    const result = await trustmap(['stats'], { stdout: 'at-once', stderr: 'never' });
    expect(result).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
    expect(await inStore(CHALK)).toEqual([]);
  });

  it('query --format csv: exits 0 and stays quiet when the reader stops after the first line', async () => {
    // About 1.5 MB of CSV: far more than a pipe holds, so the writes go on after the close.
    const result = await trustmap(
      [
        'query',
        "UNWIND range(1, 20000) AS n RETURN n, 'a row long enough to fill the pipe quickly, n' AS pad",
        '--format',
        'csv',
        '--limit',
        '20000',
      ],
      { stdout: 'after-first-line', stderr: 'never' },
    );
    expect(result).toEqual({ code: 0, signal: null, stdout: 'n,pad\r\n', stderr: '' });
    expect(await inStore(CHALK)).toEqual([]);
  });

  it('ingest: finishes the run and closes the store when stdout and stderr are both gone', async () => {
    const result = await trustmap(['ingest', 'npm:chalk@4.1.0', '--no-repos'], {
      stdout: 'at-once',
      stderr: 'at-once',
    });
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(await inStore(CHALK)).toEqual(CHALK);
  });

  it('ingest --json: exits with its own code (1, a package missing) and only its own words', async () => {
    const result = await trustmap(
      ['ingest', 'npm:chalk@4.1.0', 'npm:no-such-package-at-all', '--no-repos', '--json'],
      { stdout: 'at-once', stderr: 'never' },
    );
    expect(result).toEqual({ code: 1, signal: null, stdout: '', stderr: '' });
    const missing = 'pkg:npm/no-such-package-at-all';
    expect(await inStore([...CHALK, missing])).toEqual([...CHALK, missing]);
  });
});
