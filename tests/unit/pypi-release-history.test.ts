/** The dependencies a PyPI release keeps on its Version node, from real release documents. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapRelease } from '../../ingest/sources/pypi/map-release.js';
import { FIXTURES } from '../helpers/fixture-registry.js';

function versionProps(name: string, version: string, document?: unknown) {
  const doc =
    document ??
    (JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'pypi', name, `${version}.json`), 'utf8'),
    ) as unknown);
  return mapRelease(name, version, doc, undefined).records.nodeRows('Version')[0]?.props;
}

describe('PyPI release history', () => {
  it('keeps what a release installs as name@specifier, markers kept, extras left out', () => {
    expect(versionProps('pytest', '3.5.0')?.dependencies).toEqual([
      'attrs@>=17.4.0',
      'colorama@*',
      'funcsigs@*',
      'more-itertools@>=4.0.0',
      'pluggy@<0.7,>=0.5',
      'py@>=1.5.0',
      'setuptools@*',
      'six@>=1.10.0',
    ]);
    // Only extras: installs nothing by default.
    expect(versionProps('attrs', '17.4.0')?.dependencies).toEqual([]);
  });

  it('says unknown when PyPI gives no requires_dist (none and unread look the same)', () => {
    expect(versionProps('six', '1.11.0')?.dependencies).toBeNull();
    expect(
      versionProps('x', '1.0', { info: { requires_dist: 'requests' } })?.dependencies,
    ).toBeNull();
  });

  it('reads a hostile requires_dist as data, capped', () => {
    const lines = [
      ...Array.from({ length: 1200 }, (_, i) => `pkg-${String(i).padStart(4, '0')} (>=1)`),
      '__proto__ (>=1)',
      42,
      'not a requirement ((',
      `long (>=${'1.'.repeat(400)}1)`,
    ];
    const deps = versionProps('x', '1.0', { info: { requires_dist: lines } })
      ?.dependencies as string[];
    expect(deps).toHaveLength(1000);
    // `__proto__` is no PEP 508 name: left out like any invalid line, the prototype untouched.
    expect(deps[0]).toMatch(/^long@>=1\.1\.1/);
    expect(deps[1]).toBe('pkg-0000@>=1');
    expect(deps.every((d) => d.length <= 300)).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('leaves out, counted as invalid, a line too long to parse and a name no key can hold', () => {
    // The property test's counterexample (tests/integration/fuzz-pypi.test.ts): a 1 MiB name,
    // valid PEP 508, whose DEPENDS_ON row the store refused with the whole release.
    const mapped = mapRelease(
      'x',
      '1.0',
      { info: { requires_dist: ['x'.repeat(2 ** 20), 'y'.repeat(1500), 'six (>=1.10)'] } },
      undefined,
    );
    expect(() => mapped.records.check()).not.toThrow();
    expect(mapped.records.relationshipRows('DEPENDS_ON').map((r) => r.to)).toEqual([
      'pkg:pypi/six',
    ]);
    expect(mapped.invalid).toEqual(['x'.repeat(200), 'y'.repeat(200)]);
    expect(mapped.records.nodeRows('Version')[0]?.props.dependencies).toEqual(['six@>=1.10']);
  });
});
