/**
 * `trustmap diff` and `trustmap check` as a CI job runs them, through the real CLI: a git
 * repository whose second commit adds a dependency released by a new account with a new
 * preinstall script (tests/helpers/gate-fixture.ts), packuments from a loopback registry, scores
 * as of a fixed day so the Markdown is the same every run (golden files a person has read, in
 * tests/fixtures/gate/).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import {
  addGatePackuments,
  makeGateRepository,
  NEW_ACCOUNT,
  SCRIPT,
} from '../helpers/gate-fixture.js';
import { git } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';

const AS_OF = '2024-06-01T00:00:00Z';
const GOLDEN = path.resolve('tests/fixtures/gate');
const require = createRequire(import.meta.url);

let registry: FixtureRegistry;
let work: { dir: string; cleanup: () => void };
let repo: string;
let refs: { base: string; head: string };

const trustmap = (args: string[]): Promise<CliResult> =>
  runCli([...args, '--as-of', AS_OF, '--no-repos', '--no-advisories'], repo, {
    NPM_REGISTRY: registry.url,
  });

const writePolicy = (name: string, text: string): string => {
  fs.writeFileSync(path.join(repo, name), text);
  return name;
};

/** The golden file's text; with UPDATE_GOLDEN=1 it is rewritten (then read it before committing). */
function golden(name: string, actual: string): string {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  return fs.readFileSync(file, 'utf8');
}

beforeAll(async () => {
  registry = await startFixtureRegistry();
  addGatePackuments(registry);
  work = tempDir('trustmap-gate-');
  repo = path.join(work.dir, 'app');
  refs = makeGateRepository(repo);
});
afterAll(async () => {
  await registry.close();
  work.cleanup();
});

describe('trustmap diff --git', () => {
  it('names the new account who can now publish into the tree, and the new install script', async () => {
    const result = await trustmap([
      'diff',
      '--git',
      `${refs.base}..${refs.head}`,
      'package-lock.json',
      '--markdown',
      'diff.md',
      '--fail-on',
      'new-account',
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    // A refused change: exit 1, and it says why.
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `new-account  ${NEW_ACCOUNT}: can now publish sneaky-dep into the tree; first release in the graph 30 days ago (a new account)`,
    );
    expect(result.stdout).toContain(
      `install-script  sneaky-dep@1.1.0: runs preinstall at install (preinstall: ${SCRIPT})`,
    );
    expect(result.stdout).toContain('1 package added, 0 removed, 0 changed');
    const markdown = fs.readFileSync(path.join(repo, 'diff.md'), 'utf8');
    expect(markdown).toBe(golden('diff.md', markdown));
  });

  it('passes without --fail-on, and says the same in JSON', async () => {
    const result = await trustmap(['diff', '--git', `${refs.base}..${refs.head}`, '--json']);
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as {
      added: string[];
      peopleAdded: { name: string; newAccount: boolean; packages: string[] }[];
      installScripts: { key: string; scripts: string[] }[];
    };
    expect(diff.added).toEqual(['pkg:npm/sneaky-dep@1.1.0']);
    expect(diff.peopleAdded.map((p) => [p.name, p.newAccount, p.packages])).toEqual([
      [NEW_ACCOUNT, true, ['sneaky-dep']],
      ['bob', false, ['sneaky-dep']],
    ]);
    expect(diff.installScripts).toEqual([
      { key: 'pkg:npm/sneaky-dep@1.1.0', scripts: ['preinstall'], text: [`preinstall: ${SCRIPT}`] },
    ]);
  });

  it('refuses a range that is not two refs, and a ref that reads as an option', async () => {
    for (const range of ['HEAD', '--output=x..HEAD']) {
      const result = await trustmap(['diff', '--git', range]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/must be <base-ref>\.\.<head-ref>/);
    }
  });
});

describe('trustmap check', () => {
  const sarifSchema = (): object =>
    JSON.parse(
      fs.readFileSync(
        require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    ) as object;

  it('fails a new publisher, with SARIF that is valid and points at the lockfile line', async () => {
    const policy = writePolicy('new-publishers.yaml', 'version: 1\nrules:\n  newPublishers: {}\n');
    const result = await trustmap([
      'check',
      'package-lock.json',
      '--policy',
      policy,
      '--sarif',
      'check.sarif',
      '--markdown',
      'check.md',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^FAIL pkg:npm\/gate-app@1\.0\.0: 2 packages, 3 people can publish into it; 1 finding/m,
    );
    expect(result.stdout).toContain('note: no advisories were read');
    expect(result.stdout).toContain(`new-publisher  sneaky-dep@1.1.0: published by ${NEW_ACCOUNT}`);
    const sarif = JSON.parse(fs.readFileSync(path.join(repo, 'check.sarif'), 'utf8')) as {
      runs: {
        results: {
          ruleId: string;
          level: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    const ajv = new Ajv({ schemaId: 'id', allErrors: true });
    ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json') as object);
    const valid = ajv.validate(sarifSchema(), sarif);
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors)).toEqual([]);
    expect(valid).toBe(true);
    const [finding] = sarif.runs[0]?.results ?? [];
    expect(finding?.ruleId).toBe('new-publisher');
    expect(finding?.level).toBe('error');
    const location = finding?.locations[0]?.physicalLocation;
    expect(location?.artifactLocation.uri).toBe('package-lock.json');
    const lines = fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8').split('\n');
    expect(lines[(location?.region.startLine ?? 0) - 1]?.trim()).toBe(
      '"node_modules/sneaky-dep": {',
    );
    const markdown = fs.readFileSync(path.join(repo, 'check.md'), 'utf8');
    expect(markdown).toBe(golden('check.md', markdown));
  });

  it('passes with an exception, and fails loudly once it has expired', async () => {
    const exception = (expires: string): string =>
      `version: 1\nrules:\n  newPublishers: {}\nexceptions:\n  - package: pkg:npm/sneaky-dep@^1.1.0\n    rule: new-publisher\n    reason: mallory joined the team, see ticket 42\n    owner: security@example.org\n    expires: ${expires}\n  - package: pkg:npm/left-pad\n    rule: install-script\n    reason: no longer used\n    owner: dev\n    expires: 2099-01-01\n`;
    const accepted = await trustmap([
      'check',
      'package-lock.json',
      '--policy',
      writePolicy('excepted.yaml', exception('2099-12-31')),
    ]);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/^PASS /m);
    expect(accepted.stdout).toContain(
      'excepted until 2099-12-31 by security@example.org: mallory joined the team, see ticket 42',
    );
    // An exception that matches nothing is reported, so it can be removed.
    expect(accepted.stdout).toContain('exception matches nothing: pkg:npm/left-pad install-script');
    const expired = await trustmap([
      'check',
      'package-lock.json',
      '--policy',
      writePolicy('expired.yaml', exception('2020-01-01')),
    ]);
    expect(expired.code).toBe(1);
    expect(expired.stdout).toContain(
      'its exception EXPIRED on 2020-01-01 (owner security@example.org: mallory joined the team, see ticket 42)',
    );
  });

  it('refuses a policy with mistakes, naming the field (exit 2)', async () => {
    const cases: [string, RegExp][] = [
      [
        'version: 1\nrules:\n  trust: {min: 2}\n',
        /rules\.trust\.min: Too big: expected number to be <=1/,
      ],
      ['version: 1\nrules:\n  flag: {}\n', /rules: Unrecognized key: "flag"/],
      [
        'version: 1\nexceptions:\n  - {package: left-pad, rule: flag, reason: x, owner: y, expires: 2030-01-01}\n',
        /exceptions\[0\]\.package: must be a package URL/,
      ],
      [
        'version: 1\nexceptions:\n  - {package: pkg:npm/x, rule: malicious, reason: x, owner: y, expires: 2030-02-30}\n',
        /exceptions\[0\]\.rule: malicious cannot be excepted; exceptions\[0\]\.expires: must be a real date/,
      ],
      ['version: 2\n', /version: Invalid input: expected 1/],
      ['rules: [\n', /not YAML/],
    ];
    for (const [text, message] of cases) {
      const result = await trustmap([
        'check',
        'package-lock.json',
        '--policy',
        writePolicy('bad.yaml', text),
      ]);
      expect(result.code, text).toBe(2);
      expect(result.stderr, text).toMatch(message);
    }
  });

  it('--reuse reads the configured store only once it holds the tree scored', async () => {
    const db = path.join(work.dir, 'reuse', 'graph.grafeo');
    const inStore = (args: string[]): Promise<CliResult> =>
      runCli(args, repo, { NPM_REGISTRY: registry.url, TRUSTMAP_DB: db });
    const policy = writePolicy('reuse.yaml', 'version: 1\nrules:\n  newPublishers: {}\n');
    const ingested = await inStore(['ingest', 'package-lock.json', '--no-repos', '--as-of', AS_OF]);
    expect(ingested.code).toBe(0);
    // Ingested, not scored: refused, since unscored versions would pass every rule.
    const unscored = await inStore(['check', 'package-lock.json', '--reuse', '--policy', policy]);
    expect(unscored.code).toBe(2);
    expect(unscored.stderr).toMatch(/are not scored: run "trustmap score" first/);
    expect((await inStore(['score', '--as-of', AS_OF])).code).toBe(0);
    const reused = await inStore(['check', 'package-lock.json', '--reuse', '--policy', policy]);
    expect(reused.code).toBe(1);
    expect(reused.stdout).toContain(`new-publisher  sneaky-dep@1.1.0: published by ${NEW_ACCOUNT}`);
    // A dependency is not a root of the store.
    const notRoot = await inStore(['check', 'npm:sneaky-dep', '--reuse']);
    expect(notRoot.code).toBe(2);
    expect(notRoot.stderr).toMatch(/is not a root in the store/);
  });
});

describe('trustmap diff --git on the commit that adds the lockfile', () => {
  it('compares it with an empty tree: everything in it is new', async () => {
    const fresh = path.join(work.dir, 'fresh');
    fs.mkdirSync(fresh);
    fs.writeFileSync(path.join(fresh, 'README'), 'x\n');
    const env = {
      GIT_AUTHOR_NAME: 'd',
      GIT_AUTHOR_EMAIL: 'd@e',
      GIT_COMMITTER_NAME: 'd',
      GIT_COMMITTER_EMAIL: 'd@e',
    };
    git(fresh, ['init', '--quiet', '--initial-branch=main']);
    git(fresh, ['add', '.']);
    git(fresh, ['commit', '--quiet', '-m', 'start'], env);
    fs.copyFileSync(path.join(repo, 'package-lock.json'), path.join(fresh, 'package-lock.json'));
    git(fresh, ['add', '.']);
    git(fresh, ['commit', '--quiet', '-m', 'lockfile'], env);
    const result = await runCli(
      [
        'diff',
        '--git',
        'HEAD~1..HEAD',
        '--json',
        '--as-of',
        AS_OF,
        '--no-repos',
        '--no-advisories',
      ],
      fresh,
      { NPM_REGISTRY: registry.url },
    );
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as { added: string[]; peopleAdded: unknown[] };
    expect(diff.added).toEqual(['pkg:npm/sneaky-dep@1.1.0', 'pkg:npm/steady-dep@1.7.0']);
    expect(diff.peopleAdded).toHaveLength(3);
  });
});
