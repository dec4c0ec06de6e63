/** The v2 worked example of docs/trust-model.md (records, flags, own trust), every value, to 1e-3. */
import { describe, expect, it } from 'vitest';
import { TRUST_PARAMS } from '../../trust/params.js';
import { recordScore } from '../../trust/person-record.js';
import { flagFactor, timelineFlags } from '../../trust/version-flags.js';
import { release } from '../helpers/release-facts.js';

const close = (actual: number | undefined, expected: number): void => {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThan(1e-3);
};

const AS_OF = new Date('2021-10-22T12:35:00.000Z');
const alice = recordScore(
  {
    firstRelease: '2012-10-22T12:35:00.000Z',
    releases: 60,
    activeYears: 9,
    packages: 3,
    provenanceShare: undefined,
  },
  AS_OF,
);
const mallory = recordScore(
  {
    firstRelease: '2021-10-15T12:35:00.000Z',
    releases: 1,
    activeYears: 1,
    packages: 1,
    provenanceShare: undefined,
  },
  AS_OF,
);
// No anchors: R = 0, T = record + eta * R * (1 - record) = record.
const T = (record: number): number => record + TRUST_PARAMS.eta * 0 * (1 - record);

const script = { installScripts: ['preinstall'], installScriptText: ['preinstall: node setup.js'] };
const flags = timelineFlags(
  {
    key: 'pkg:npm/demo',
    name: 'demo',
    createdAt: '2021-01-10T00:00:00.000Z',
    latest: undefined,
    releases: [
      release('1.0.0', '2021-01-10T00:00:00.000Z'),
      release('1.1.0', '2021-06-10T00:00:00.000Z'),
      release('1.1.1', '2021-10-22T12:15:00.000Z', script),
      release('1.2.0', '2021-10-22T12:20:00.000Z', script),
      release('2.0.0', '2021-10-22T12:25:00.000Z', script),
    ],
  },
  {
    createdAt: () => undefined,
    packageKey: (name) => `pkg:npm/${name}`,
    accountSince: () => '2012-10-22T12:35:00.000Z',
    publishersOf: () => [],
  },
);

describe('docs/trust-model.md v2 worked example', () => {
  it('1. alice, nine years of releases: her record is her trust without any anchor', () => {
    close(alice.tenureYears, 8.9993);
    close(alice.value, 0.8712);
    close(T(alice.value as number), 0.8712);
  });

  it('2. mallory, a week old: near nothing', () => {
    close(mallory.tenureYears, 0.01916);
    close(mallory.value, 0.00414);
  });

  it('3. the burst with a new preinstall: a high and a medium flag on each, factor 0.425', () => {
    expect(flags.get('pkg:npm/demo@1.0.0')).toBeUndefined();
    expect(flags.get('pkg:npm/demo@1.1.0')).toBeUndefined();
    for (const version of ['1.1.1', '1.2.0', '2.0.0']) {
      const list = flags.get(`pkg:npm/demo@${version}`) ?? [];
      expect(list.map((f) => `${f.severity} ${f.id}`)).toEqual([
        'high install-script-added',
        'medium release-burst',
      ]);
      expect(list[0]?.evidence).toBe(
        'adds preinstall at install, absent in 1.1.0 (preinstall: node setup.js)',
      );
      close(flagFactor(list), 0.425);
    }
  });

  it('4. own trust: the flags take 0.39 off; mallory publishing would take more', () => {
    const { gamma } = TRUST_PARAMS;
    const L = 0.6;
    const O = (S: number, factor: number): number => ((1 - gamma) * L + gamma * S) * factor;
    const factor = flagFactor(flags.get('pkg:npm/demo@1.1.1') ?? []);
    close(O(T(alice.value as number), 1), 0.6814);
    close(O(T(alice.value as number), factor), 0.2896);
    close(O(T(mallory.value as number), factor), 0.179);
  });
});
