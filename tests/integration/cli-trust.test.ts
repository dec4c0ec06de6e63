/** `trustmap score`, `chokepoints`, `explain` and `whatif` as a user runs them, on fixture closures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };

function trustmap(args: string[]): Promise<CliResult> {
  return runCli(args, work.dir, { NPM_REGISTRY: registry.url });
}

beforeAll(async () => {
  registry = await startFixtureRegistry();
  work = tempDir('trustmap-cli-trust-');
  const ingested = await trustmap(['ingest', 'npm:yargs@16.1.0', 'npm:rimraf@3.0.2', '--no-repos']);
  expect(ingested.code).toBe(0);
});
afterAll(async () => {
  await registry.close();
  work.cleanup();
});

describe('trustmap trust commands', () => {
  it('scores the graph and says which anchors it found', async () => {
    const result = await trustmap(['score', '--anchor', 'org:github:yargs', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      versions: 28,
      packages: 28,
      anchors: { source: '--anchor', used: ['org:github:yargs'] },
    });
  });

  it('ranks chokepoints under a root, with the fields a CI gate reads', async () => {
    const result = await trustmap(['chokepoints', '--root', 'npm:yargs', '--limit', '3', '--json']);
    expect(result.code).toBe(0);
    // The API's answer: the rows, how many were ranked, and whether anything was cut.
    const answer = JSON.parse(result.stdout) as {
      chokepoints: {
        key: string;
        reach: number;
        maintainers: string[];
        busFactor: number;
        ownTrust: number;
        fragility: number;
        path: string[];
        pathTruncated: boolean;
      }[];
      total: number;
      truncated: boolean;
      limits: { rows: number; pathHops: number; bytes: number };
    };
    const rows = answer.chokepoints;
    expect(rows).toHaveLength(3);
    expect(answer.total).toBeGreaterThan(3);
    expect(answer).toMatchObject({ truncated: true, limits: { rows: 3 } });
    expect(rows[0]).toMatchObject({
      key: 'pkg:npm/color-name@1.1.4',
      reach: 5,
      maintainers: ['person:npm:dfcreative'],
      busFactor: 1,
    });
    for (const row of rows) {
      expect(row.path[0]).toBe('pkg:npm/yargs@16.1.0');
      expect(row.path.at(-1)).toBe(row.key);
      expect(row.pathTruncated).toBe(false);
      expect(row.fragility).toBeGreaterThan(0);
    }
    expect(rows.map((r) => r.fragility)).toEqual(
      [...rows.map((r) => r.fragility)].sort((a, b) => b - a),
    );
    expect((await trustmap(['chokepoints', '--root', 'npm:not-ingested'])).code).toBe(1);
  });

  it('explains a score in words', async () => {
    const result = await trustmap(['explain', 'pkg:npm/ansi-regex@5.0.0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^pkg:npm\/ansi-regex@5\.0\.0: trust 0\.\d\d \(own 0\.\d\d\): 2 people can publish it \(maintainers: qix, sindresorhus\); no provenance; last release \d+ (months|years) ago; 5 package versions depend on it; \d+ of 10 signals known/,
    );
    const json = JSON.parse(
      (await trustmap(['explain', 'pkg:npm/ansi-regex@5.0.0', '--json'])).stdout,
    ) as { anchors: string[] };
    expect(json.anchors).toEqual(['org:github:yargs']);
  });

  it('shows what one compromised account reaches', async () => {
    const result = await trustmap([
      'whatif',
      '--compromise',
      'person:npm:isaacs',
      '--root',
      'npm:rimraf',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      reaches: number;
      reached: { key: string; path: string[] }[];
    };
    expect(report.reached.map((r) => r.key)).toContain('pkg:npm/rimraf@3.0.2');
    expect(report.reached.find((r) => r.key === 'pkg:npm/wrappy@1.0.2')?.path[0]).toBe(
      'pkg:npm/rimraf@3.0.2',
    );
    expect((await trustmap(['whatif', '--compromise', 'person:npm:nobody'])).code).toBe(2);
  });
});
