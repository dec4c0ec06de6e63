/**
 * The generated registry's shapes (bench/generated-registry.ts): `small` packuments have 1 to 12
 * versions, `real` ones as many as the packuments of real closures (a median of 25, a mean of 63,
 * a few majors),
 * and in either shape every range a dependent writes matches a version of its dependency, so the
 * benches' closures resolve.
 */
import { createHash } from 'node:crypto';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { generateRegistry, type RegistryShape } from '../../bench/generated-registry.js';

function counts(shape: RegistryShape): number[] {
  return generateRegistry(1000, 15, shape)
    .packages.map((pkg) => pkg.versions.length)
    .sort((a, b) => a - b);
}

describe('the generated registry', () => {
  it('gives the small shape byte for byte as the scale benches recorded it', () => {
    // The registry of bench/RESULTS.md's scale figures (1,000 packages, 3,627 versions), as the
    // generator made it before the real shape was added (43ecc0a).
    const registry = generateRegistry(1000, 15);
    expect(registry.versions).toBe(3627);
    expect(createHash('sha256').update(JSON.stringify(registry)).digest('hex')).toBe(
      'af7189b29aa59a4ade4dfc3de8607694cc6069e45e69432a55bd869572cfda3f',
    );
    expect(counts('small').at(-1)).toBeLessThanOrEqual(12);
  });

  it('gives real-shaped packuments the version counts of real closures', () => {
    const real = counts('real');
    const median = real[real.length / 2] ?? 0;
    const mean = real.reduce((sum, n) => sum + n, 0) / real.length;
    expect(median).toBeGreaterThanOrEqual(20);
    expect(median).toBeLessThanOrEqual(30);
    expect(mean).toBeGreaterThan(50);
    expect(mean).toBeLessThan(75);
    // The long tail too: some packages with hundreds of versions.
    expect(real.filter((n) => n >= 300).length).toBeGreaterThan(5);
  });

  it('gives a real-shaped package of hundreds of versions a few majors, not dozens', () => {
    const majors = generateRegistry(1000, 15, 'real')
      .packages.filter((pkg) => pkg.versions.length > 100)
      .map((pkg) => new Set(pkg.versions.map((v) => v.split('.')[0])).size)
      .sort((a, b) => a - b);
    expect(majors.length).toBeGreaterThan(50);
    // react-scripts@5's packuments of over 100 versions: a median of 6 to 7 majors.
    expect(majors[majors.length >> 1]).toBeGreaterThanOrEqual(4);
    expect(majors[majors.length >> 1]).toBeLessThanOrEqual(12);
  });

  it.each(['small', 'real'] as const)(
    'writes ranges that match a version of the dependency (%s)',
    (shape) => {
      const registry = generateRegistry(300, 7, shape);
      for (const pkg of registry.packages)
        for (const dependency of pkg.dependencies) {
          const target = registry.packages[dependency.target];
          expect(semver.maxSatisfying(target?.versions ?? [], dependency.range)).not.toBeNull();
        }
    },
  );
});
