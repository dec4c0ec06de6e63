/**
 * Maintainer reach on random graphs with cycles (fast-check): one search per person from all of
 * their packages counts what the union of each package's own closure ({p} and its dependents) does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../trust/csr.js';
import { dependentsOf, maintainerReach } from '../../trust/chokepoints.js';

const cases = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })),
      { maxLength: n * 3 },
    ),
    people: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 6 }), {
      minLength: 1,
      maxLength: 6,
    }),
    publishers: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
  }),
);

describe('maintainer reach', () => {
  it('is the size of the union of each package with its dependents, and of the sole ones', () => {
    fc.assert(
      fc.property(cases, ({ n, edges, people, publishers }) => {
        const dependencies = { from: edges.map(([a]) => a), to: edges.map(([, b]) => b) };
        const reversed = buildCsr(n, dependencies, true);
        const union = (packages: number[]): number =>
          new Set(packages.flatMap((p) => [p, ...dependentsOf(reversed, p)])).size;
        const packagesOf = new Map(people.map((packages, i) => [`person-${i}`, packages]));
        const got = maintainerReach(n, dependencies, packagesOf, publishers);
        for (const [person, packages] of packagesOf)
          expect(got.get(person)).toEqual({
            reach: union(packages),
            soleReach: union(packages.filter((p) => publishers[p] === 1)),
          });
      }),
      { numRuns: 300 },
    );
  });
});
