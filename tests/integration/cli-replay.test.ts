/**
 * An incident replayed from the command line, as the README shows it: ua-parser-js as of the day
 * its maintainer's account was hijacked (tests/fixtures/incidents/ua-parser-js), ingested and
 * scored `--as-of` that instant through the real CLI and a registry on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { serveIncident } from '../helpers/incidents.js';
import { tempDir } from '../helpers/temp.js';

const AS_OF = '2021-10-22T12:35:00Z';

let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };
const trustmap = (args: string[]): Promise<CliResult> =>
  runCli(args, work.dir, { NPM_REGISTRY: registry.url });

beforeAll(async () => {
  registry = await startFixtureRegistry();
  serveIncident(registry, 'ua-parser-js');
  work = tempDir('trustmap-cli-replay-');
});
afterAll(async () => {
  await registry.close();
  work.cleanup();
});

describe('an incident replayed with --as-of', () => {
  it('installs what npm installed that day, and explains the bad release by its change', async () => {
    const ingested = await trustmap([
      'ingest',
      'npm:replay-consumer-ua-parser-js',
      '--as-of',
      AS_OF,
      '--no-repos',
      '--json',
    ]);
    expect(ingested.stderr).not.toMatch(/error/i);
    expect(ingested.code).toBe(0);
    const summary = JSON.parse(ingested.stdout) as { resolved: string[] };
    // ^0.7.24 as the registry stood: the hijacked 0.7.29, not the fix 0.7.30 published later.
    expect(summary.resolved).toContain('pkg:npm/ua-parser-js@0.7.29');
    expect(summary.resolved.some((k) => k.startsWith('pkg:npm/ua-parser-js@0.7.3'))).toBe(false);

    const scored = await trustmap(['score', '--as-of', AS_OF, '--json']);
    expect(scored.code).toBe(0);
    expect((JSON.parse(scored.stdout) as { asOf: string }).asOf).toBe('2021-10-22T12:35:00.000Z');

    const explained = await trustmap(['explain', 'pkg:npm/ua-parser-js@0.7.29']);
    expect(explained.code).toBe(0);
    // The flags lead, in words, naming the change.
    expect(explained.stdout).toMatch(
      /: high install-script-added: adds preinstall at install, absent in 0\.7\.28 \(preinstall: start \/B node preinstall\.js & node preinstall\.js\); medium release-burst/,
    );
  });

  it('reads the stored scores only as of the instant they were scored as of', async () => {
    const same = await trustmap(['explain', 'pkg:npm/ua-parser-js@0.7.29', '--as-of', AS_OF]);
    expect(same.code).toBe(0);
    const other = await trustmap([
      'explain',
      'pkg:npm/ua-parser-js@0.7.29',
      '--as-of',
      '2021-10-21',
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /the stored scores are as of 2021-10-22T12:35:00.000Z: run "trustmap score --as-of 2021-10-21T00:00:00.000Z" first/,
    );
    const ranked = await trustmap(['chokepoints', '--as-of', AS_OF, '--json']);
    expect(ranked.code).toBe(0);
    expect((JSON.parse(ranked.stdout) as { scoring: { asOf: string } }).scoring.asOf).toBe(
      '2021-10-22T12:35:00.000Z',
    );
    expect(
      (await trustmap(['whatif', '--compromise', 'person:npm:faisalman', '--as-of', '2020-01-01']))
        .code,
    ).toBe(2);
    // serve checks the same before it listens.
    const served = await trustmap(['serve', '--port', '0', '--as-of', '2021-10-21']);
    expect(served.code).toBe(2);
    expect(served.stderr).toMatch(/run "trustmap score --as-of 2021-10-21T00:00:00.000Z" first/);
    // A person's explanation says their record (the fixture keeps eight months of faisalman's).
    const person = await trustmap(['explain', 'person:npm:faisalman']);
    expect(person.stdout).toMatch(
      /person:npm:faisalman: trust 0\.\d\d \(releasing for \d+ days: \d+ releases in \d+ years, 1 packages; reputation 0/,
    );
  });

  it('refuses a date that is not one, or is in the future', async () => {
    const bad = await trustmap(['score', '--as-of', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ISO 8601/);
    const future = await trustmap(['ingest', 'npm:x', '--as-of', '2999-01-01']);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/must not be in the future/);
  });
});
