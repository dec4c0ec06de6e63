/**
 * `trustmap ingest pypi:... --python --platform --implementation` as a user runs it, against the
 * fixture PyPI on loopback: the pytest 3.5.0 closure for the Python of its day and for today's
 * (the setuptools each may install, given the fixture index), and a Windows-only marker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

let pypi: FixturePyPi;
let work: { dir: string; cleanup: () => void };

beforeAll(async () => {
  pypi = await startFixturePyPi();
  work = tempDir('trustmap-cli-python-');
});
afterAll(async () => {
  await pypi.close();
  work.cleanup();
});

interface Closure {
  code: number;
  resolved: string[];
  failures: { name: string; reason: string }[];
}

async function closure(flags: string[]): Promise<Closure> {
  const result = await runCli(
    ['ingest', 'pypi:pytest==3.5.0', '--no-repos', '--json', ...flags],
    work.dir,
    { PYPI_URL: pypi.url },
  );
  if (result.stdout === '') return { code: result.code, resolved: [], failures: [] };
  const summary = JSON.parse(result.stdout) as Pick<Closure, 'resolved' | 'failures'>;
  return { code: result.code, resolved: summary.resolved, failures: summary.failures };
}

const BASE = ['attrs', 'more-itertools', 'pluggy', 'py', 'pytest'];

describe('trustmap ingest for a stated Python environment', () => {
  it('takes the setuptools each Python may install: 39.2.0 on 3.6, 67.6.1 (requires >=3.7) on 3.12', async () => {
    const old = await closure(['--python', '3.6']);
    expect(old.code).toBe(0);
    expect(old.resolved.filter((k) => k.includes('setuptools'))).toEqual([
      'pkg:pypi/setuptools@39.2.0',
    ]);
    const today = await closure(['--python', '3.12']);
    expect(today.resolved.filter((k) => k.includes('setuptools'))).toEqual([
      'pkg:pypi/setuptools@67.6.1',
    ]);
    // The fixture index lists 67.6.1 but holds no release document for it: that one failure.
    expect(today.failures.map((f) => `${f.name}: ${f.reason}`)).toEqual([
      'setuptools: PyPI has no document for 67.6.1',
    ]);
    // Neither is Windows, nor Python 2: no colorama, no funcsigs.
    for (const run of [old, today]) {
      expect(run.resolved.some((k) => /colorama|funcsigs/.test(k))).toBe(false);
      for (const project of BASE)
        expect(run.resolved.some((k) => k.startsWith(`pkg:pypi/${project}@`))).toBe(true);
    }
  });

  it('follows a Windows-only marker on windows, and only there', async () => {
    const windows = await closure(['--python', '3.6', '--platform', 'windows']);
    expect(windows.code).toBe(0);
    expect(windows.resolved.some((k) => k.startsWith('pkg:pypi/colorama@'))).toBe(true);
    const macos = await closure([
      '--python',
      '3.6',
      '--platform',
      'macos',
      '--implementation',
      'pypy',
    ]);
    expect(macos.code).toBe(0);
    expect(macos.resolved.some((k) => k.startsWith('pkg:pypi/colorama@'))).toBe(false);
  });

  it('refuses a setting it cannot read, naming it, and --all-markers with an environment', async () => {
    for (const [flags, named] of [
      [['--platform', 'beos'], '--platform'],
      [['--python', 'three'], '--python'],
      [['--implementation', 'jython'], '--implementation'],
      [['--all-markers', '--python', '3.6'], '--all-markers'],
    ] as const) {
      const result = await runCli(
        ['ingest', 'pypi:pytest==3.5.0', '--no-repos', ...flags],
        work.dir,
        { PYPI_URL: pypi.url },
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(named);
    }
  });
});
