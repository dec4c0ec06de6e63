/** `trustmap score`, `chokepoints`, `explain` and `whatif` as a user runs them, on fixture closures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import {
  addFlaggedPackuments,
  FLAG_CONSUMER,
  FLAGGED_PACKAGE,
  FLAGGED_VERSION,
} from '../helpers/flagged-packuments.js';
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

  it('gives the stored change flags with explain --json, [] for a person', async () => {
    const json = JSON.parse(
      (await trustmap(['explain', 'pkg:npm/color-name@1.1.4', '--json'])).stdout,
    ) as { flags: { id: string; severity: string; evidence: string; since: string }[] };
    expect(json.flags).toEqual([
      expect.objectContaining({ id: 'dormant-then-release', severity: 'low' }),
    ]);
    expect(Object.keys(json.flags[0] ?? {}).sort()).toEqual([
      'evidence',
      'id',
      'severity',
      'since',
    ]);
    const person = JSON.parse(
      (await trustmap(['explain', 'person:npm:isaacs', '--json'])).stdout,
    ) as { flags: unknown[] };
    expect(person.flags).toEqual([]);
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

describe('trustmap on a closure with a high change flag', () => {
  let flagged: { dir: string; cleanup: () => void };
  const run = (args: string[]) => runCli(args, flagged.dir, { NPM_REGISTRY: registry.url });
  beforeAll(async () => {
    addFlaggedPackuments(registry);
    flagged = tempDir('trustmap-cli-flags-');
    expect((await run(['ingest', FLAG_CONSUMER, '--no-repos'])).code).toBe(0);
    expect((await run(['score'])).code).toBe(0);
  });
  afterAll(() => {
    flagged.cleanup();
  });

  it('explains the flag first, and --json carries it for the version and its package', async () => {
    const text = await run(['explain', FLAGGED_VERSION]);
    expect(text.stdout).toMatch(/\(own 0\.\d\d\): high install-script-added: adds preinstall/);
    for (const key of [FLAGGED_VERSION, FLAGGED_PACKAGE]) {
      const json = JSON.parse((await run(['explain', key, '--json'])).stdout) as {
        flags: { id: string; severity: string }[];
      };
      expect(json.flags[0], key).toMatchObject({ id: 'install-script-added', severity: 'high' });
    }
  });

  it('chokepoints rows carry the flags, and the table marks a high one with !', async () => {
    const json = JSON.parse((await run(['chokepoints', '--json'])).stdout) as {
      chokepoints: { key: string; flags: { id: string }[]; flagSeverity: string | null }[];
    };
    const row = json.chokepoints.find((r) => r.key === FLAGGED_VERSION);
    expect(row?.flagSeverity).toBe('high');
    expect(row?.flags[0]?.id).toBe('install-script-added');
    const table = (await run(['chokepoints'])).stdout.split('\n');
    expect(table.find((l) => l.includes('pkg:npm/flag-victim@1.0.1'))).toMatch(
      /^! install-script-added\s+pkg:npm\/flag-victim@1\.0\.1 /,
    );
    // A row without a high flag has no mark.
    expect(table.filter((l) => l.startsWith('!'))).toHaveLength(
      json.chokepoints.filter((r) => r.flagSeverity === 'high').length,
    );
  });
});
