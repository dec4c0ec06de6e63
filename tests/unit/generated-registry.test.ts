/**
 * The generated registry's shapes (bench/generated-registry.ts): `small` packuments have 1 to 12
 * versions, `real` ones as many as the packuments of real closures (a median of 25, a mean of 63),
 * and in either shape every range a dependent writes matches a version of its dependency, so the
 * benches' closures resolve.
 */
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { generateRegistry, type RegistryShape } from '../../bench/generated-registry.js';

function counts(shape: RegistryShape): number[] {
  return generateRegistry(1000, 15, shape)
    .packages.map((pkg) => pkg.versions.length)
    .sort((a, b) => a - b);
}

describe('the generated registry', () => {
  it('gives small packuments 1 to 12 versions', () => {
    const small = counts('small');
    expect(small[0]).toBe(1);
    expect(small.at(-1)).toBeLessThanOrEqual(12);
  });

  it('gives real-shaped packuments the version counts of real closures', () => {
    const real = counts('real');
    const median = real[real.length / 2] ?? 0;
    const mean = real.reduce((sum, n) => sum + n, 0) / real.length;
    expect(median).toBeGreaterThanOrEqual(20);
    expect(median).toBeLessThanOrEqual(30);
    expect(mean).toBeGreaterThan(45);
    expect(mean).toBeLessThan(85);
    // The long tail too: some packages with hundreds of versions.
    expect(real.filter((n) => n >= 300).length).toBeGreaterThan(5);
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
