/** `trustmap ingest`, `stats` and `query` as a user runs them, against a local fixture registry. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const lockfiles = path.resolve('tests/fixtures/lockfiles');
let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };

/** Ingests here read no repositories (`--no-repos`): cli-repos.test.ts is about those. */
function trustmap(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const argv = args[0] === 'ingest' ? [...args, '--no-repos'] : args;
  return runCli(argv, work.dir, { NPM_REGISTRY: registry.url, ...env });
}

beforeAll(async () => {
  registry = await startFixtureRegistry();
  work = tempDir('trustmap-cli-ingest-');
});
afterAll(async () => {
  await registry.close();
  work.cleanup();
});

describe('trustmap ingest', () => {
  it('ingests a name with a range and prints a JSON summary with coverage', async () => {
    const result = await trustmap(['ingest', 'npm:chalk@^4', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      roots: unknown;
      resolved: string[];
      failures: unknown[];
      coverage: { packages: number; maintainersKnown: number };
    };
    expect(summary.roots).toEqual([{ spec: 'npm:chalk@^4', resolved: 'pkg:npm/chalk@4.1.0' }]);
    expect(summary.resolved).toEqual([
      'pkg:npm/ansi-styles@4.3.0',
      'pkg:npm/chalk@4.1.0',
      'pkg:npm/color-convert@2.0.1',
      'pkg:npm/color-name@1.1.4',
      'pkg:npm/has-flag@4.0.0',
      'pkg:npm/supports-color@7.2.0',
    ]);
    expect(summary.failures).toEqual([]);
    expect(summary.coverage).toMatchObject({ packages: 6, maintainersKnown: 6 });
  });

  it('ingests a purl, and says in words what it loaded and what is known', async () => {
    const result = await trustmap(['ingest', 'pkg:npm/cross-spawn@7.0.3']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/root pkg:npm\/cross-spawn@7.0.3 -> pkg:npm\/cross-spawn@7.0.3/);
    expect(result.stdout).toMatch(/ingested 6 versions of 6 packages/);
    expect(result.stdout).toMatch(/maintainers known for 6 of 6 packages/);
    expect(result.stderr).toMatch(/ingest: \d+ fetched/); // plain progress lines when not on a terminal
  });

  it.each([1, 2, 3])(
    'ingests a package-lock.json v%i with its exact versions, dev ones with --dev',
    async (version) => {
      const lockfile = path.join(lockfiles, `npm-v${version}`, 'package-lock.json');
      const prod = JSON.parse((await trustmap(['ingest', lockfile, '--json'])).stdout) as {
        resolved: string[];
        roots: unknown;
      };
      expect(prod.resolved).toHaveLength(12);
      expect(prod.resolved).not.toContain('pkg:npm/is-number@4.0.0');
      expect(prod.roots).toEqual([{ spec: lockfile, resolved: 'pkg:npm/lock-demo@1.0.0' }]);
      const dev = JSON.parse((await trustmap(['ingest', lockfile, '--dev', '--json'])).stdout) as {
        resolved: string[];
      };
      expect(dev.resolved).toContain('pkg:npm/is-number@4.0.0');
      expect(dev.resolved).toHaveLength(13);
    },
  );

  it('exits 1 and lists the failures when a package is missing', async () => {
    const result = await trustmap(['ingest', 'npm:no-such-package-at-all']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /1 failure:\n {2}no-such-package-at-all@\*: .*\[PACKAGE_MISSING\]/,
    );
  });

  it('exits 2 on a spec it cannot read', async () => {
    const result = await trustmap(['ingest', 'express']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a spec/);
    expect((await trustmap(['ingest', 'npm:x', '--registry', 'ftp://x'])).code).toBe(2);
    const none = await trustmap(['ingest']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'spec'/);
  });

  it('reports what is in the store afterwards', async () => {
    const stats = JSON.parse((await trustmap(['stats', '--json'])).stdout) as {
      nodes: Record<string, number>;
      relationships: Record<string, number>;
    };
    expect(stats.nodes.Package).toBeGreaterThanOrEqual(13);
    expect(stats.relationships.RESOLVES_TO).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(work.dir, '.trustmap', 'graph.grafeo'))).toBe(true);
  });
});
