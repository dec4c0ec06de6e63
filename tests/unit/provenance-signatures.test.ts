/**
 * Registry signatures (`dist.signatures`) of the real fixture packuments verify against the
 * pinned npm keys; an altered integrity, an unknown key and a key used after it expired fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PINNED_REGISTRY_KEYS,
  parseRegistryKeys,
  verifyRegistrySignatures,
} from '../../ingest/provenance/index.js';
import { FIXTURES } from '../helpers/fixture-registry.js';

interface Version {
  dist: { integrity?: string; signatures?: unknown };
}
interface Packument {
  name: string;
  versions: Record<string, Version>;
  time: Record<string, string>;
}

function packument(file: string): Packument {
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'npm/packuments', `${file}.json`), 'utf8'),
  ) as Packument;
}

/** Every signed version of the fixture packuments that carry signatures. */
function signedVersions(): {
  name: string;
  version: string;
  integrity: string;
  publishedAt: string;
  signatures: unknown;
}[] {
  const out = [];
  for (const file of fs.readdirSync(path.join(FIXTURES, 'npm/packuments'))) {
    const doc = packument(file.replace(/\.json$/, ''));
    for (const [version, manifest] of Object.entries(doc.versions)) {
      const { integrity, signatures } = manifest.dist;
      const publishedAt = doc.time[version];
      if (signatures === undefined || integrity === undefined || publishedAt === undefined)
        continue;
      out.push({ name: doc.name, version, integrity, publishedAt, signatures });
    }
  }
  return out;
}

const LODASH = (() => {
  const doc = packument('lodash');
  const manifest = doc.versions['4.17.21'];
  if (manifest?.dist.integrity === undefined) throw new Error('lodash 4.17.21 has no integrity');
  return {
    subject: {
      name: 'lodash',
      version: '4.17.21',
      integrity: manifest.dist.integrity,
      publishedAt: doc.time['4.17.21'] ?? '',
    },
    signatures: manifest.dist.signatures,
  };
})();

describe('verifyRegistrySignatures', () => {
  it('verifies every signed version of the fixture packuments with the pinned key', () => {
    const versions = signedVersions();
    const names = new Set(versions.map((entry) => entry.name));
    expect(names).toEqual(
      new Set([
        'lodash',
        'is-stream',
        'has-package-exports',
        '@ljharb/has-package-exports-patterns',
        '@dependabot-fixtures/npm-parent-dependency',
        '@dependabot-fixtures/npm-transitive-dependency',
        '@dependabot-fixtures/npm-transitive-dependency-with-more-versions',
      ]),
    );
    expect(versions.length).toBeGreaterThan(140);
    for (const { signatures, ...subject } of versions)
      expect(
        verifyRegistrySignatures(signatures, subject),
        `${subject.name}@${subject.version}`,
      ).toEqual({
        verified: true,
        keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
      });
  });

  it('fails an altered integrity', () => {
    const altered = LODASH.subject.integrity.replace(/^sha512-./, (start) =>
      start.endsWith('A') ? 'sha512-B' : 'sha512-A',
    );
    const fact = verifyRegistrySignatures(LODASH.signatures, {
      ...LODASH.subject,
      integrity: altered,
    });
    expect(fact.verified).toBe(false);
    expect(fact.keyid).toBe('SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA');
    expect(fact.reason).toMatch(
      /^the registry signature by SHA256:jl3.* does not match lodash@4\.17\.21/,
    );
  });

  it('fails another version signed over the same integrity', () => {
    const fact = verifyRegistrySignatures(LODASH.signatures, {
      ...LODASH.subject,
      version: '4.17.20',
    });
    expect(fact.verified).toBe(false);
  });

  it('fails a signature made after its key expired', () => {
    const fact = verifyRegistrySignatures(LODASH.signatures, {
      ...LODASH.subject,
      publishedAt: '2025-02-01T00:00:00.000Z',
    });
    expect(fact).toEqual({
      verified: false,
      keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
      reason:
        'the registry key SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA expired on 2025-01-29T00:00:00.000Z, before the version was published (2025-02-01T00:00:00.000Z)',
    });
  });

  it('fails an expired key when the publish time is unknown', () => {
    const { name, version, integrity } = LODASH.subject;
    const fact = verifyRegistrySignatures(LODASH.signatures, { name, version, integrity });
    expect(fact.verified).toBe(false);
    expect(fact.reason).toMatch(/publish time is unknown/);
  });

  it('fails a key trustmap does not know', () => {
    const fact = verifyRegistrySignatures(LODASH.signatures, LODASH.subject, {
      keys: PINNED_REGISTRY_KEYS.filter((key) => key.expires === null),
    });
    expect(fact).toMatchObject({
      verified: false,
      reason: 'no known npm registry key has id SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
    });
  });

  it.each([
    ['absent', undefined],
    ['an object', { keyid: 'x', sig: 'y' }],
    ['empty', []],
    ['entries of the wrong type', [1, 'a', null, { keyid: 7, sig: [] }]],
    [
      '__proto__ entries',
      JSON.parse(
        '[{"__proto__": {"keyid": "SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA", "sig": "AA=="}}]',
      ) as unknown,
    ],
    [
      'a huge signature',
      [{ keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', sig: 'A'.repeat(1e6) }],
    ],
  ])('returns a reason, never throws, for signatures %s', (_label, signatures) => {
    const fact = verifyRegistrySignatures(signatures, LODASH.subject);
    expect(fact.verified).toBe(false);
    expect(fact.reason).toBeTypeOf('string');
  });
});

describe('the pinned registry keys', () => {
  it('are the /-/npm/v1/keys shape with their validity', () => {
    const shipped = JSON.parse(
      fs.readFileSync(
        path.join(import.meta.dirname, '../../ingest/provenance/npm-registry-keys.json'),
        'utf8',
      ),
    ) as unknown;
    expect(parseRegistryKeys(shipped)).toEqual({ keys: [...PINNED_REGISTRY_KEYS] });
    expect(PINNED_REGISTRY_KEYS.map((key) => [key.keyid, key.expires])).toEqual([
      ['SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', '2025-01-29T00:00:00.000Z'],
      ['SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U', null],
    ]);
  });

  it('reject a keys document of the wrong shape, naming the field', () => {
    expect(
      parseRegistryKeys({
        keys: [{ keyid: 'SHA256:a', keytype: 'x', scheme: 'x', key: 'not base64!', expires: null }],
      }),
    ).toEqual({
      error: expect.stringMatching(/^not an npm keys document: keys\.0\.key/) as unknown,
    });
    expect(parseRegistryKeys(JSON.parse('{"__proto__": {"keys": []}}') as unknown)).toMatchObject({
      error: expect.any(String) as unknown,
    });
  });
});

describe('a bad signature entry beside a good one', () => {
  it('does not hide the good one: each entry is tried', () => {
    const signed = signedVersions()[0];
    if (signed === undefined) throw new Error('no signed fixture version');
    const [good] = signed.signatures as { keyid: string; sig: string }[];
    if (good === undefined) throw new Error('no signature');
    const bogus = { keyid: good.keyid, sig: Buffer.from('not a signature').toString('base64') };
    const fact = verifyRegistrySignatures([bogus, good], signed);
    expect(fact).toEqual({ verified: true, keyid: good.keyid });
    // Alone, the bogus one fails, naming the key it claims.
    expect(verifyRegistrySignatures([bogus], signed)).toMatchObject({
      verified: false,
      keyid: good.keyid,
    });
  });
});
