/**
 * Property: a lockfile or SBOM damaged at random (the fixture package-lock v1-v3, pnpm v8/v9,
 * yarn classic/berry, poetry, uv, Pipfile.lock, CycloneDX and SPDX files; parsed, mutated by
 * helpers/mutate.ts, written back in their own format, then perhaps cut short or spliced with
 * odd text) is read, or refused with an InvalidInputError naming the file: never a TypeError.
 * A bad entry inside a readable file is left out; turning what was read into records and jobs
 * does not throw either.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { lockfileRecords } from '../../ingest/roots/map-lockfile.js';
import { projectKey } from '../../ingest/roots/project-key.js';
import { readLockfile } from '../../ingest/roots/read-lockfile.js';
import { readPythonLockfile } from '../../ingest/roots/python-lockfile.js';
import { applyMutations, mutationsArb, prototypePolluted } from '../helpers/mutate.js';
import { tempDir } from '../helpers/temp.js';

const RUNS = 400;
const yarnClassic = createRequire(import.meta.url)('@yarnpkg/lockfile') as {
  parse: (content: string) => { object: unknown };
  stringify: (value: unknown) => string;
};

type Format = 'json' | 'yaml' | 'yarn' | 'toml';
interface Fixture {
  dir: string;
  file: string;
  format: Format;
  python: boolean;
}
const FIXTURES: Fixture[] = [
  ...[1, 2, 3].map((v) => ({ dir: `lockfiles/npm-v${v}`, file: 'package-lock.json' })),
  { dir: 'lockfiles/pnpm-v8', file: 'pnpm-lock.yaml' },
  { dir: 'lockfiles/pnpm-v9', file: 'pnpm-lock.yaml' },
  { dir: 'lockfiles/yarn-classic', file: 'yarn.lock' },
  { dir: 'lockfiles/yarn-berry', file: 'yarn.lock' },
  { dir: 'python-lockfiles/poetry', file: 'poetry.lock' },
  { dir: 'python-lockfiles/uv', file: 'uv.lock' },
  { dir: 'python-lockfiles/pipenv', file: 'Pipfile.lock' },
  { dir: 'sbom', file: 'lock-demo.cdx.json' },
  { dir: 'sbom', file: 'lock-demo.spdx.json' },
].map(({ dir, file }) => ({
  dir: path.resolve('tests/fixtures', dir),
  file,
  format:
    file.endsWith('.json') || file === 'Pipfile.lock'
      ? 'json'
      : file.endsWith('.yaml') || dir.endsWith('berry')
        ? 'yaml'
        : file === 'yarn.lock'
          ? 'yarn'
          : 'toml',
  python: dir.startsWith('python-'),
}));

function parse(text: string, format: Format): unknown {
  if (format === 'json') return JSON.parse(text) as unknown;
  if (format === 'yaml') return parseYaml(text) as unknown;
  if (format === 'yarn') return yarnClassic.parse(text).object;
  return parseToml(text);
}

/** The document in its format again; the original text when the damage cannot be written so. */
function serialize(document: unknown, format: Format, original: string): string {
  try {
    if (format === 'json') return JSON.stringify(document);
    if (format === 'yaml') return `__metadata:\n  version: 6\n${stringifyYaml(document)}`;
    if (format === 'yarn') return yarnClassic.stringify(document);
    return stringifyToml(document);
  } catch {
    return original;
  }
}

const textDamage = fc.oneof(
  fc.constant(undefined),
  fc.record({ cut: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    insert: fc.constantFrom(
      '\u0000',
      '"',
      '{',
      ']]',
      ':\n  - ',
      '\ufeff',
      '\ud800',
      '*a',
      '&a [*a]',
    ),
  }),
);

describe('a lockfile or SBOM damaged at random', () => {
  let temp: { dir: string; cleanup: () => void };
  beforeAll(() => {
    temp = tempDir();
  });
  afterAll(() => {
    temp.cleanup();
  });

  it(`is read, or refused naming the file (${RUNS} runs)`, () => {
    let run = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES),
        mutationsArb([]),
        textDamage,
        fc.boolean(),
        (fixture, mutations, damage, manifestToo) => {
          const dir = path.join(temp.dir, String(run++));
          fs.mkdirSync(dir);
          for (const beside of ['package.json', 'pyproject.toml']) {
            const source = path.join(fixture.dir, beside);
            if (!fs.existsSync(source)) continue;
            let text = fs.readFileSync(source, 'utf8');
            if (manifestToo && beside === 'package.json')
              text = JSON.stringify(applyMutations(JSON.parse(text) as unknown, mutations));
            fs.writeFileSync(path.join(dir, beside), text);
          }
          const original = fs.readFileSync(path.join(fixture.dir, fixture.file), 'utf8');
          let text = serialize(
            applyMutations(parse(original, fixture.format), mutations),
            fixture.format,
            original,
          );
          if (damage !== undefined && 'cut' in damage)
            text = text.slice(0, Math.floor(text.length * damage.cut));
          else if (damage !== undefined) {
            const at = Math.floor(text.length * damage.at);
            text = text.slice(0, at) + damage.insert + text.slice(at);
          }
          const file = path.join(dir, fixture.file);
          fs.writeFileSync(file, text);
          try {
            if (fixture.python) readPythonLockfile(file);
            else {
              const locked = readLockfile(file);
              lockfileRecords(locked, projectKey(locked, file), true).records.check();
            }
          } catch (error) {
            expect((error as Error).name, String((error as Error).stack)).toBe('InvalidInputError');
            expect((error as Error).message).toContain(dir);
            // Refused by a reader or a parser, not by a fault of ours (caught and named).
            const cause = (error as Error).cause;
            expect(cause instanceof TypeError || cause instanceof RangeError, String(cause)).toBe(
              false,
            );
            refused++;
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(prototypePolluted()).toBe(false);
    expect(refused).toBeLessThan(RUNS);
  }, 60_000);

  it.each(['yarn-classic', 'yarn-berry'])(
    'refuses a %s yarn.lock with a string that never ends at once (it took the parser a minute)',
    (fixture) => {
      const dir = path.join(temp.dir, `quote-${fixture}`);
      fs.mkdirSync(dir);
      const text = fs.readFileSync(path.resolve('tests/fixtures/lockfiles', fixture, 'yarn.lock'));
      fs.writeFileSync(path.join(dir, 'yarn.lock'), `"${text.toString('utf8')}`);
      const started = performance.now();
      expect(() => readLockfile(path.join(dir, 'yarn.lock'))).toThrow(
        expect.objectContaining({ name: 'InvalidInputError' }) as Error,
      );
      // A file that is one comment with no newline: nothing locked, read at once.
      fs.writeFileSync(path.join(dir, 'yarn.lock'), '# yarn lockfile v1');
      expect(readLockfile(path.join(dir, 'yarn.lock')).packages).toEqual([]);
      expect(performance.now() - started).toBeLessThan(1000);
    },
  );
});
