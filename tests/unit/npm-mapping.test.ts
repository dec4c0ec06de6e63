/** Mapping real packuments (../shared/fixtures/npm/packuments) to graph records. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  mapPackument,
  dependenciesOf,
  mapDependencies,
} from '../../ingest/sources/npm/map-packument.js';
import { readPackument, type Packument } from '../../ingest/sources/npm/packument.js';
import { packumentAsOf } from '../../ingest/sources/npm/as-of.js';
import { pickVersion } from '../../ingest/sources/npm/resolve.js';
import { parseRepository } from '../../ingest/sources/repository-url.js';
import { PACKUMENTS } from '../helpers/fixture-registry.js';

function load(file: string): Packument {
  const document = JSON.parse(fs.readFileSync(path.join(PACKUMENTS, file), 'utf8')) as {
    name: string;
  };
  return readPackument(document, document.name);
}

const files = fs.readdirSync(PACKUMENTS).filter((f) => f.endsWith('.json'));

describe('mapPackument', () => {
  it.each(files)(
    'maps %s without error: a package, every version, HAS_VERSION for each',
    (file) => {
      const packument = load(file);
      const records = mapPackument(packument);
      expect(records.nodeRows('Package')).toHaveLength(1);
      expect(records.nodeRows('Version')).toHaveLength(packument.versions.size);
      expect(records.relationshipRows('HAS_VERSION')).toHaveLength(packument.versions.size);
    },
  );

  it("records maintainers and each version's publisher, with emails only as hashes", () => {
    const records = mapPackument(load('chalk.json'));
    const maintainers = records
      .relationshipRows('MAINTAINS')
      .map((r) => r.from)
      .sort();
    expect(maintainers).toEqual(['person:npm:qix', 'person:npm:sindresorhus']);
    const published = records
      .relationshipRows('PUBLISHED')
      .find((r) => r.to === 'pkg:npm/chalk@4.1.0');
    expect(published?.from).toBe('person:npm:sindresorhus');
    expect(published?.props.emailHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify([...records.nodes.values()].map((m) => [...m.values()]))).not.toMatch(
      /@gmail\.com/,
    );
    // Free-mail domains are no organisation.
    expect(records.nodeRows('Organisation').map((o) => o.key)).not.toContain(
      'org:domain:gmail.com',
    );
  });

  it('says when maintainers, publishers or times are unknown instead of inventing them', () => {
    const document = JSON.parse(
      fs.readFileSync(path.join(PACKUMENTS, 'is-number.json'), 'utf8'),
    ) as Record<string, unknown>;
    delete document.maintainers;
    delete document.time;
    for (const version of Object.values(
      document.versions as Record<string, Record<string, unknown>>,
    ))
      delete version._npmUser;
    const records = mapPackument(readPackument(document, 'is-number'));
    expect(records.nodeRows('Package')[0]?.props).toMatchObject({
      maintainersKnown: false,
      maintainerCount: null,
      timesKnown: false,
    });
    expect(
      records
        .nodeRows('Version')
        .every((v) => v.props.publisherKnown === false && v.props.publishedAt === null),
    ).toBe(true);
    expect(records.relationshipRows('MAINTAINS')).toEqual([]);
    expect(records.relationshipRows('PUBLISHED')).toEqual([]);
  });

  it('maps a scope to an organisation and the repository to its owner', () => {
    const records = mapPackument(load('@ljharb__has-package-exports-patterns.json'));
    expect(records.relationshipRows('IN_SCOPE')).toEqual([
      { from: 'pkg:npm/%40ljharb/has-package-exports-patterns', to: 'org:npm:@ljharb', props: {} },
    ]);
    expect(records.relationshipRows('HOSTED_AT')).toEqual([
      {
        from: 'pkg:npm/%40ljharb/has-package-exports-patterns',
        to: 'repo:github.com/inspect-js/has-package-exports',
        // A claim: only a verified build sets `verified` (tests/integration/provenance-ingest).
        props: {},
      },
    ]);
    expect(records.relationshipRows('OWNED_BY')[0]).toMatchObject({ to: 'org:github:inspect-js' });
  });

  it('reads install scripts, deprecation and registry signatures', () => {
    const glob = mapPackument(load('glob.json'));
    const version = (records: typeof glob, key: string) =>
      records.nodeRows('Version').find((v) => v.key === key)?.props;
    expect(version(glob, 'pkg:npm/glob@2.0.9')?.hasInstallScripts).toBe(true);
    expect(version(glob, 'pkg:npm/glob@7.1.6')?.hasInstallScripts).toBe(false);
    const minimatch = mapPackument(load('minimatch.json'));
    expect(version(minimatch, 'pkg:npm/minimatch@0.0.1')?.deprecated).toMatch(/RegExp DoS/);
    expect(version(minimatch, 'pkg:npm/minimatch@3.0.4')?.deprecated).toBeNull();
    expect(version(mapPackument(load('lodash.json')), 'pkg:npm/lodash@4.17.21')).toMatchObject({
      signed: true,
      provenance: false,
    });
    expect(version(glob, 'pkg:npm/glob@7.1.6')).toMatchObject({ signed: false, provenance: false });
  });

  it('refuses a document that is not the package asked for, or not a packument', () => {
    expect(() => readPackument({ name: 'evil', versions: {} }, 'chalk')).toThrow(
      /describes "evil"/,
    );
    expect(() => readPackument({ name: 'chalk' }, 'chalk')).toThrow(/no versions object/);
    expect(() => readPackument([], 'chalk')).toThrow(/not a JSON object/);
  });

  it('keeps hostile keys as data', () => {
    const document = JSON.parse(
      '{"name":"x","versions":{"__proto__":{"version":"1.0.0"},"1.0.0":{"dependencies":{"__proto__":"^1"}}},"dist-tags":{"latest":"1.0.0"}}',
    ) as unknown;
    const packument = readPackument(document, 'x');
    expect([...packument.versions.keys()].sort()).toEqual(['1.0.0', '__proto__']);
    expect(({} as Record<string, unknown>).version).toBeUndefined();
    expect(() => mapPackument(packument)).not.toThrow();
  });

  it('reads a list that carries its own `constructor` key (found by the ingest fuzz, seed 836511808)', () => {
    const maintainers: unknown[] = [{ name: 'a', email: 'a@example.org' }, ''];
    Object.defineProperty(maintainers, 'constructor', { value: { [Symbol.species]: 1 } });
    const document = {
      name: 'x',
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { version: '1.0.0', dist: { signatures: maintainers } } },
      maintainers,
    };
    const packument = readPackument(document, 'x');
    expect(packument.maintainers?.map((m) => m.name)).toEqual(['a']);
    expect(() => mapPackument(packument)).not.toThrow();
  });
});

describe('dependencies', () => {
  it('records prod, optional, peer and dev dependencies of a version, and follows aliases', () => {
    const document = {
      name: 'demo',
      'dist-tags': { latest: '1.0.0' },
      versions: {
        '1.0.0': {
          dependencies: { a: '^1', b: '^2', c: 'npm:real-c@^3' },
          optionalDependencies: { b: '^2' },
          peerDependencies: { d: '>=4', e: '*' },
          peerDependenciesMeta: { e: { optional: true } },
          devDependencies: { f: '^5' },
        },
      },
    };
    const packument = readPackument(document, 'demo');
    const deps = dependenciesOf(packument, '1.0.0', ['prod', 'optional', 'peer', 'dev']);
    expect(
      deps.map(
        (d) =>
          `${d.kind} ${d.name}@${d.range}${d.alias === d.name ? '' : ` as ${d.alias}`}${d.optionalPeer ? ' (optional)' : ''}`,
      ),
    ).toEqual([
      'prod a@^1',
      'prod real-c@^3 as c',
      'optional b@^2',
      'peer d@>=4',
      'peer e@* (optional)',
      'dev f@^5',
    ]);
    const edges = mapDependencies(packument, '1.0.0', deps).relationshipRows('DEPENDS_ON');
    expect(edges).toContainEqual({
      from: 'pkg:npm/demo@1.0.0',
      to: 'pkg:npm/real-c',
      props: { range: '^3', kind: 'prod', alias: 'c' },
    });
  });
});

describe('pickVersion (as npm picks)', () => {
  const packument = readPackument(
    {
      name: 'p',
      'dist-tags': { latest: '1.2.0', next: '2.0.0-beta.2' },
      versions: Object.fromEntries(
        ['1.0.0', '1.2.0', '1.3.0', '1.4.0', '2.0.0-beta.1', '2.0.0-beta.2', '0.9.0'].map((v) => [
          v,
          v === '1.4.0' ? { deprecated: 'broken' } : {},
        ]),
      ),
    },
    'p',
  );
  it.each([
    ['^1.0.0', '1.2.0'], // the latest tag wins when it satisfies
    ['^1.3.0', '1.3.0'], // otherwise the highest that is not deprecated
    ['1.4.0', '1.4.0'], // an exact version, deprecated or not
    ['>=1.4.0', '1.4.0'], // a deprecated version when nothing else satisfies
    ['next', '2.0.0-beta.2'], // a dist-tag
    ['^2.0.0-beta.1', '2.0.0-beta.2'], // prereleases only for a range that names one
    ['*', '1.2.0'],
    ['', '1.2.0'],
    ['~0.9', '0.9.0'],
  ])('%s -> %s', (spec, version) => {
    expect(pickVersion(packument, spec)).toBe(version);
  });
  it.each([['^3'], ['nope-tag'], ['9.9.9'], ['>=2.0.0']])(
    '%s: no version, with a clear error',
    (spec) => {
      expect(() => pickVersion(packument, spec)).toThrow(
        expect.objectContaining({ code: 'NO_MATCHING_VERSION' }) as Error,
      );
    },
  );
  it('answers an exact version with no match, not a crash, when version keys are not versions', () => {
    // Found by the ingest fuzz: `versions` replaced by an object with `__proto__` keys.
    const hostile = readPackument(
      JSON.parse(
        '{"name":"h","dist-tags":{"latest":"1.0.0"},"versions":{"__proto__":{},"constructor":{},"toString":"x"}}',
      ) as unknown,
      'h',
    );
    expect(() => pickVersion(hostile, '1.1.4')).toThrow(
      expect.objectContaining({ code: 'NO_MATCHING_VERSION' }) as Error,
    );
  });
  it('passes over a deprecated latest, and versions whose engines.node refuses the Node it runs on', () => {
    const engines = readPackument(
      {
        name: 'e',
        'dist-tags': { latest: '3.0.0' },
        versions: {
          '1.0.0': { engines: { node: '>=14' } },
          '2.0.0': { engines: { node: '>=14' }, deprecated: 'use 3' },
          '2.5.0': { engines: { node: '>=22' } },
          '3.0.0': { engines: { node: '>=22' } },
        },
      },
      'e',
    );
    // On Node 20: latest and 2.5.0 need 22; 2.0.0 is deprecated; 1.0.0 is both fine and allowed.
    expect(pickVersion(engines, '*', 'v20.20.2')).toBe('1.0.0');
    expect(pickVersion(engines, '>=2', 'v20.20.2')).toBe('2.0.0');
    expect(pickVersion(engines, '*', 'v22.1.0')).toBe('3.0.0');
    // Engines not considered: the latest.
    expect(pickVersion(engines, '*', null)).toBe('3.0.0');
    const deprecatedLatest = readPackument(
      {
        name: 'd',
        'dist-tags': { latest: '1.1.0' },
        versions: { '1.0.0': {}, '1.1.0': { deprecated: 'oops' } },
      },
      'd',
    );
    expect(pickVersion(deprecatedLatest, '^1.0.0')).toBe('1.0.0');
  });
});

describe('packumentAsOf (as npm install --before reads a packument)', () => {
  const document = {
    name: 'p',
    'dist-tags': { latest: '2.0.0' },
    versions: { '1.0.0': {}, '1.1.0': {}, '1.2.0': {}, '2.0.0': {} },
    time: {
      created: '2019-01-01T00:00:00.000Z',
      '1.0.0': '2019-01-01T00:00:00.000Z',
      '1.1.0': '2020-01-01T00:00:00.000Z',
      '2.0.0': '2022-01-01T00:00:00.000Z',
    },
  };
  it('drops later versions and a tag on one, and keeps a version it has no time for, as npm does', () => {
    const then = packumentAsOf(readPackument(document, 'p'), new Date('2021-01-01T00:00:00Z'));
    expect([...then.versions.keys()]).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(then.distTags.has('latest')).toBe(false);
    // ^1 takes the undated 1.2.0, as npm-pick-manifest's `before` does; * the same.
    expect(pickVersion(then, '^1.0.0')).toBe('1.2.0');
    // The tag asked for by name: the highest version up to the later one it names, as npm does.
    expect(pickVersion(then, 'latest')).toBe('1.2.0');
    expect(() => pickVersion(then, 'next')).toThrow(/no dist-tag "next"/);
    const early = packumentAsOf(readPackument(document, 'p'), new Date('2019-06-01T00:00:00Z'));
    expect([...early.versions.keys()]).toEqual(['1.0.0', '1.2.0']);
    // A document with no times at all: nothing is known to be later.
    const undated = { ...document, time: undefined };
    const all = packumentAsOf(readPackument(undated, 'p'), new Date('2019-06-01T00:00:00Z'));
    expect(pickVersion(all, '*')).toBe('2.0.0');
  });
});

describe('parseRepository', () => {
  it.each([
    ['expressjs/express', 'repo:github.com/expressjs/express'],
    ['github:expressjs/express', 'repo:github.com/expressjs/express'],
    [
      'git+ssh://git@github.com/moxystudio/node-cross-spawn.git',
      'repo:github.com/moxystudio/node-cross-spawn',
    ],
    ['git://github.com/isaacs/rimraf.git', 'repo:github.com/isaacs/rimraf'],
    ['git+https://github.com/Chalk/Chalk.git', 'repo:github.com/chalk/chalk'],
    ['gitlab:group/project', 'repo:gitlab.com/group/project'],
    ['https://git.example.org/team/tool.git', 'repo:git.example.org/team/tool'],
    ['git@git.example.org:team/tool.git', 'repo:git.example.org/team/tool'],
  ])('%s -> %s', (raw, key) => {
    expect(parseRepository(raw)?.key).toBe(key);
  });
  it.each([
    ['not a url'],
    ['file:///etc/passwd'],
    ['https://example.org/../..'],
    // Forge shortcuts without an owner (hosted-git-info gives user null), and other non-URLs.
    ['github:x'],
    ['gitlab:x'],
    ['github:'],
    [':'],
    ['git+ssh://'],
    ['https://example.org/team/%E0%A4%A'],
    [`https://github.com/a/${'b'.repeat(2 ** 20)}`],
  ])('%s is no repository', (raw) => {
    expect(parseRepository(raw)).toBeUndefined();
  });
});

describe('people and organisations', () => {
  it('links a person with a company email to the company domain, and stores no email', () => {
    const document = {
      name: 'corp-lib',
      'dist-tags': { latest: '1.0.0' },
      maintainers: [
        { name: 'alice', email: 'Alice@Example-Corp.com' },
        { name: 'bob', email: 'bob@gmail.com' },
      ],
      versions: { '1.0.0': { _npmUser: { name: 'alice', email: 'alice@example-corp.com' } } },
    };
    const records = mapPackument(readPackument(document, 'corp-lib'));
    expect(records.relationshipRows('MEMBER_OF')).toEqual([
      {
        from: 'person:npm:alice',
        to: 'org:domain:example-corp.com',
        props: { evidence: 'email-domain' },
      },
    ]);
    expect(records.nodeRows('Organisation')).toEqual([
      {
        key: 'org:domain:example-corp.com',
        props: { name: 'example-corp.com', kind: 'email-domain' },
      },
    ]);
    const hashes = records.relationshipRows('MAINTAINS').map((r) => r.props.emailHash);
    expect(hashes.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))).toBe(true);
    // The same address in another case hashes the same.
    const published = records.relationshipRows('PUBLISHED')[0]?.props.emailHash;
    expect(published).toBe(
      records.relationshipRows('MAINTAINS').find((r) => r.from === 'person:npm:alice')?.props
        .emailHash,
    );
    const everything = JSON.stringify([
      ...[...records.nodes.values()].map((m) => [...m.values()]),
      ...[...records.relationships.values()].map((m) => [...m.values()]),
    ]);
    expect(everything).not.toMatch(/alice@|bob@|gmail/i);
  });
});

describe('history kept per version (the input of change signals)', () => {
  const props = (file: string, key: string) =>
    mapPackument(load(file))
      .nodeRows('Version')
      .find((v) => v.key === key)?.props;

  it("keeps a version's own maintainers as person keys, and its publishing facts", () => {
    expect(props('chalk.json', 'pkg:npm/chalk@4.1.0')).toMatchObject({
      maintainers: ['person:npm:qix', 'person:npm:sindresorhus'],
      installScripts: [],
      installScriptText: [],
      dependencies: ['ansi-styles@^4.1.0', 'supports-color@^7.1.0'],
      trustedPublisher: false,
    });
    // The list is the version's, not the package's: chalk 1.1.2 is when qix joined.
    expect(props('chalk.json', 'pkg:npm/chalk@1.1.1')?.maintainers).not.toContain('person:npm:qix');
    expect(props('chalk.json', 'pkg:npm/chalk@1.1.2')?.maintainers).toContain('person:npm:qix');
  });

  it('says unknown (null) where the manifest does not say, never none', () => {
    // color-convert 0.2.1 (2011) has neither a maintainers list nor an _npmUser.
    expect(props('color-convert.json', 'pkg:npm/color-convert@0.2.1')).toMatchObject({
      maintainers: null,
      publisherKnown: false,
      trustedPublisher: null,
      dependencies: [],
    });
    // glob 3.1.10 has a maintainers list but no _npmUser.
    expect(props('glob.json', 'pkg:npm/glob@3.1.10')).toMatchObject({
      maintainers: ['person:npm:isaacs'],
      trustedPublisher: null,
      dependencies: ['graceful-fs@~1.1.2', 'inherits@1', 'minimatch@0.2'],
    });
    // has-flag 1.0.0 kept package.json's display names ("Sindre Sorhus"), which are no accounts.
    expect(props('has-flag.json', 'pkg:npm/has-flag@1.0.0')?.maintainers).toBeNull();
    expect(props('has-flag.json', 'pkg:npm/has-flag@2.0.0')?.maintainers).toEqual([
      'person:npm:jbnicolai',
      'person:npm:sindresorhus',
    ]);
  });

  it('keeps the install scripts of a version with their text', () => {
    expect(props('glob.json', 'pkg:npm/glob@2.0.9')).toMatchObject({
      hasInstallScripts: true,
      installScripts: ['preinstall'],
      installScriptText: ['preinstall: node-waf clean || true; node-waf configure build'],
    });
    expect(props('glob.json', 'pkg:npm/glob@7.1.6')).toMatchObject({
      hasInstallScripts: false,
      installScripts: [],
    });
  });

  it('keeps no terminal control characters in install script text', () => {
    const records = mapPackument(
      readPackument(
        {
          name: 'ctl',
          'dist-tags': { latest: '1.0.0' },
          versions: {
            '1.0.0': {
              name: 'ctl',
              version: '1.0.0',
              scripts: { postinstall: 'x\u001b]0;owned\u0007\u001b[2J\nFAKE: trust 0.99\u009b' },
            },
          },
        },
        'ctl',
      ),
    );
    const version = records.nodeRows('Version')[0]?.props;
    expect(version?.installScriptText).toEqual(['postinstall: x ]0;owned  [2J FAKE: trust 0.99']);
  });

  it('reads trusted publishing, gypfile installs and dependencies from a hostile manifest', () => {
    const many = Object.fromEntries(
      Array.from({ length: 1500 }, (_, i) => [`dep-${String(i).padStart(4, '0')}`, '^1']),
    );
    const document = JSON.parse(
      JSON.stringify({
        name: 'h',
        'dist-tags': { latest: '1.0.0' },
        versions: {
          '1.0.0': {
            _npmUser: {
              name: 'GitHub Actions',
              email: 'npm-oidc-no-reply@github.com',
              trustedPublisher: { id: 'github', oidcConfigId: 'oidc:1' },
            },
            maintainers: [{ name: 'Alice' }, { name: 'bob' }, 42, { name: 'alice' }],
            scripts: { postinstall: `node ${'x'.repeat(500)}.js`, preinstall: 7, test: 'jest' },
            gypfile: true,
            dependencies: { b: '^2', a: '^1', c: 'npm:real-c@^3', long: 'x'.repeat(1000) },
            optionalDependencies: { b: '^2', o: '~1' },
            devDependencies: { d: '*' },
            peerDependencies: { p: '*' },
          },
          '1.0.1': {
            _npmUser: { name: 'alice' },
            maintainers: 'alice',
            scripts: ['preinstall'],
            dependencies: many,
          },
          '1.0.2': { _npmUser: 'alice <a@example.org>', hasInstallScript: true },
          '1.0.3': { _npmUser: { name: 'alice', trustedPublisher: 'yes' }, dependencies: [] },
        },
      }).replace('"b":"^2","a"', '"__proto__":"^9","b":"^2","a"'),
    ) as unknown;
    const rows = mapPackument(readPackument(document, 'h')).nodeRows('Version');
    const at = (v: string) => rows.find((r) => r.key === `pkg:npm/h@${v}`)?.props;
    const first = at('1.0.0');
    expect(first).toMatchObject({
      trustedPublisher: true,
      maintainers: ['person:npm:alice', 'person:npm:bob'],
      installScripts: ['install', 'postinstall'],
      dependencies: [
        '__proto__@^9',
        'a@^1',
        'b@^2',
        `long@${'x'.repeat(295)}`,
        'o@~1',
        'real-c@^3',
      ],
    });
    expect(first?.installScriptText).toEqual([
      'install: node-gyp rebuild',
      `postinstall: node ${'x'.repeat(195)}`,
    ]);
    expect(({} as Record<string, unknown>).b).toBeUndefined();
    const second = at('1.0.1');
    expect(second).toMatchObject({
      trustedPublisher: false,
      maintainers: null,
      installScripts: [],
    });
    expect(second?.dependencies).toHaveLength(1000);
    expect((second?.dependencies as string[])[999]).toBe('dep-0999@^1');
    // npm says it has an install script, but not which: unknown.
    expect(at('1.0.2')).toMatchObject({
      trustedPublisher: false,
      hasInstallScripts: true,
      installScripts: null,
      installScriptText: null,
      dependencies: [],
    });
    expect(at('1.0.3')).toMatchObject({ trustedPublisher: false, dependencies: [] });
  });
});
