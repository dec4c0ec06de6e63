/** The built `trustmap` command, run as a user runs it (npm test builds it first). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CypherLoader } from '../../graph/cypher-loader.js';
import { tempDir } from '../helpers/temp.js';

const main = path.resolve('dist/cli/main.js');
let work: { dir: string; cleanup: () => void };

function trustmap(
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, ...args], {
    cwd: work.dir,
    env: { PATH: process.env.PATH ?? '', TRUSTMAP_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(main))
    throw new Error('dist/cli/main.js is missing: run "npm run build" (npm test does)');
  work = tempDir('trustmap-cli-');
});
afterAll(() => {
  work.cleanup();
});

describe('trustmap (built)', () => {
  it('ships every cypher/ file in the build output', () => {
    const source = new CypherLoader().files().map((f) => path.relative('cypher', f.path));
    const built = new CypherLoader(path.resolve('dist/cypher'))
      .files()
      .map((f) => path.relative('dist/cypher', f.path));
    expect(built).toEqual(source);
  });

  it('prints its version and its help, with the settings it reads', () => {
    const version = trustmap(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version,
    );
    const help = trustmap(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'stats',
      'query',
      'explore',
      'ingest',
      'score',
      'chokepoints',
      'explain',
      'whatif',
      'serve',
      'worker',
    ]) {
      expect(help.stdout).toContain(command);
    }
    expect(help.stdout).toContain('NEO4J_URI');
    expect(help.stdout).toContain('TRUSTMAP_DB');
  });

  it('makes an embedded store under .trustmap/ in the working directory and reports it empty', () => {
    const stats = trustmap(['stats', '--json']);
    expect(stats.stderr).toBe('');
    expect(stats.code).toBe(0);
    const parsed = JSON.parse(stats.stdout) as { store: string; location: string; nodes: object };
    expect(parsed.store).toBe('embedded');
    expect(fs.realpathSync(parsed.location)).toBe(
      fs.realpathSync(path.join(work.dir, '.trustmap', 'graph.grafeo')),
    );
    expect(parsed.nodes).toEqual({});
  });

  it('runs a read-only query with parameters, as a table or as JSON', () => {
    const table = trustmap([
      'query',
      'RETURN $name AS name, 40 + 2 AS answer',
      '-p',
      'name=express',
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/name\s+answer\n-+\s+-+\nexpress\s+42\n1 row in \d+ ms/);
    const json = trustmap(['query', 'UNWIND range(1, 5) AS i RETURN i', '--limit', '3', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      columns: ['i'],
      rows: [{ i: 1 }, { i: 2 }, { i: 3 }],
      truncated: true,
    });
  });

  it('prints CSV with RFC 4180 quoting and formula-looking cells neutralised', () => {
    const result = trustmap([
      'query',
      `UNWIND ['=HYPERLINK("x")', 'a,b', 'plain'] AS v RETURN v`,
      '--format',
      'csv',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('v\r\n"\'=HYPERLINK(""x"")"\r\n"a,b"\r\nplain\r\n');
  });

  it('refuses a write with exit code 1 and a message with its code', () => {
    const write = trustmap(['query', 'CREATE (:Package {key: "x"})']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/not read-only.*\[QUERY_NOT_READ_ONLY\]/);
  });

  it('refuses a query that walked around the old guard (a number glued to LOAD CSV) and reads no file (finding 1)', () => {
    const canary = path.join(work.dir, 'canary.csv');
    fs.writeFileSync(canary, 'canary-7f3a9c1e\n');
    for (const query of [
      `WITH 1 AS x WHERE x < 1e9LOAD CSV FROM '${canary}' AS r RETURN r`,
      `WITH 1 AS x WHERE x < 1E+9LOAD CSV FROM '${canary}' AS r RETURN r`,
      'CALL grafeo.procedures() YIELD name RETURN name',
    ]) {
      const refused = trustmap(['query', query]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/\[QUERY_(INVALID|NOT_READ_ONLY)\]/);
      expect(refused.stdout + refused.stderr).not.toContain('canary-7f3a9c1e');
    }
  });

  it('stops a runaway query at --timeout', () => {
    const slow = trustmap([
      'query',
      'UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b UNWIND range(1, 3000) AS c RETURN count(*)',
      '--timeout',
      '500',
    ]);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toMatch(/longer than its limit of 500 ms.*\[QUERY_TIMEOUT\]/);
  });

  it('exits 2 on a usage error and on a bad setting, naming it', () => {
    expect(trustmap(['no-such-command']).code).toBe(2);
    expect(trustmap(['query']).code).toBe(2);
    const bad = trustmap(['stats'], { TRUSTMAP_PORT: 'eighty' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/TRUSTMAP_PORT: "eighty" is not a whole number \[CONFIG_INVALID\]/);
  });

  it('refuses to serve off loopback without a token', () => {
    const serve = trustmap(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(/TRUSTMAP_TOKEN: is required to serve on 0\.0\.0\.0/);
  });
});
