/**
 * A root with no dependencies is scored like any other: `trustmap ingest npm:is-number@4.0.0`
 * (a package that depends on nothing), then `score`, and `explain` gives its trust, on npm and on
 * PyPI (six depends on nothing). Before, nothing resolved from such a root, so scoring never met
 * it and `explain` said to run the score that had just run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

let registry: FixtureRegistry;
let pypi: FixturePyPi;
beforeAll(async () => {
  registry = await startFixtureRegistry();
  pypi = await startFixturePyPi();
});
afterAll(async () => {
  await registry.close();
  await pypi.close();
});

describe('a root with no dependencies', () => {
  it.each([
    ['npm:is-number@4.0.0', 'pkg:npm/is-number@4.0.0'],
    ['pypi:six==1.11.0', 'pkg:pypi/six@1.11.0'],
  ])('%s is scored and explained', async (spec, key) => {
    const work = tempDir('trustmap-leaf-root-');
    const env = { NPM_REGISTRY: registry.url, PYPI_URL: pypi.url };
    try {
      const ingested = await runCli(['ingest', spec, '--no-repos'], work.dir, env);
      expect(ingested.code, ingested.stderr).toBe(0);
      const scored = await runCli(['score'], work.dir, env);
      expect(scored.code).toBe(0);
      expect(scored.stdout + scored.stderr).toContain('scored 1 resolved versions');
      const explained = await runCli(['explain', key, '--json'], work.dir, env);
      expect(explained.code, explained.stderr).toBe(0);
      const explanation = JSON.parse(explained.stdout) as { node?: unknown; value?: unknown };
      expect(explanation.node).toBe(key);
      expect(explanation.value).toEqual(expect.any(Number));
    } finally {
      work.cleanup();
    }
  });
});
