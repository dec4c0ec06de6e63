/** Properties of the propagation on random graphs with cycles (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../trust/csr.js';
import { dependentsOf, reach } from '../../trust/chokepoints.js';
import { exposure, weakestLink } from '../../trust/propagation.js';

const graphs = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: n - 1 }),
          fc.integer({ min: 0, max: n - 1 }),
          fc.constantFrom(0, 0.5, 0.8, 1),
        ),
        {
          maxLength: n * 4,
        },
      ),
      r0: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    }),
  )
  .map(({ n, edges, r0 }) => {
    const kept = edges.filter(([a, b]) => a !== b);
    return {
      n,
      edges: kept,
      dependencies: {
        from: kept.map(([a]) => a),
        to: kept.map(([, b]) => b),
        weight: kept.map(([, , w]) => w),
      },
      r0: Float64Array.from(r0),
    };
  });

function bruteForceReach(n: number, edges: [number, number, number][]): number[] {
  return Array.from({ length: n }, (_, target) => {
    let count = 0;
    for (let start = 0; start < n; start++) {
      if (start === target) continue;
      const seen = new Set([start]);
      const stack = [start];
      let found = false;
      while (stack.length > 0 && !found) {
        const v = stack.pop() as number;
        for (const [a, b] of edges) {
          if (a !== v || seen.has(b)) continue;
          if (b === target) found = true;
          seen.add(b);
          stack.push(b);
        }
      }
      if (found) count++;
    }
    return count;
  });
}

describe('propagation on random graphs with cycles', () => {
  it('keeps every score in [0, 1], and terminates', () => {
    fc.assert(
      fc.property(graphs, ({ n, dependencies, r0 }) => {
        const { rho } = weakestLink(n, dependencies, r0);
        const { rhoN } = exposure(n, dependencies, r0);
        for (let i = 0; i < n; i++) {
          expect(rho[i]).toBeGreaterThanOrEqual(0);
          expect(rho[i]).toBeLessThanOrEqual(1);
          expect(rhoN[i]).toBeGreaterThanOrEqual(0);
          expect(rhoN[i]).toBeLessThanOrEqual(1 + 1e-12);
          // Propagation only adds risk: effective trust never exceeds own trust.
          expect(rho[i]).toBeGreaterThanOrEqual(r0[i] as number);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never raises effective trust when a dependency is added', () => {
    fc.assert(
      fc.property(graphs, fc.nat(), fc.nat(), ({ n, edges, r0 }, a, b) => {
        const from = a % n;
        const to = b % n;
        fc.pre(from !== to);
        const before = weakestLink(
          n,
          {
            from: edges.map(([x]) => x),
            to: edges.map(([, y]) => y),
            weight: edges.map(([, , w]) => w),
          },
          r0,
        );
        const more = [...edges, [from, to, 1] as [number, number, number]];
        const after = weakestLink(
          n,
          {
            from: more.map(([x]) => x),
            to: more.map(([, y]) => y),
            weight: more.map(([, , w]) => w),
          },
          r0,
        );
        for (let i = 0; i < n; i++)
          expect(after.rho[i]).toBeGreaterThanOrEqual((before.rho[i] as number) - 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('computes reach equal to a brute-force traversal', () => {
    fc.assert(
      fc.property(graphs, ({ n, edges, dependencies }) => {
        expect(Array.from(reach(n, dependencies))).toEqual(bruteForceReach(n, edges));
      }),
      { numRuns: 200 },
    );
  });

  it('finds dependents across a cycle', () => {
    const reversed = buildCsr(3, { from: [0, 1, 2], to: [1, 2, 1] }, true);
    expect(dependentsOf(reversed, 2).sort()).toEqual([0, 1]);
  });
});

describe('approximate reach (HyperLogLog)', () => {
  it('is within 40% of the exact reach for every node (3 standard errors) and 10% on average', async () => {
    const { approximateReach } = await import('../../trust/reach-sketch.js');
    const n = 3000;
    const from: number[] = [];
    const to: number[] = [];
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let v = 1; v < n; v++) {
      for (let k = 0; k < 3; k++) {
        from.push(v);
        to.push(Math.floor(random() * v)); // a DAG towards older nodes, with a few cycles below
      }
    }
    from.push(5, 10);
    to.push(10, 5);
    const exact = reach(n, { from, to });
    const approx = approximateReach(n, { from, to });
    let checked = 0;
    let totalError = 0;
    for (let v = 0; v < n; v++) {
      const e = exact[v] as number;
      if (e < 200) continue;
      const error = Math.abs((approx[v] as number) - e) / e;
      expect(error, `node ${v}`).toBeLessThan(0.4);
      totalError += error;
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(totalError / checked).toBeLessThan(0.1);
    expect(approx[n - 1]).toBe(0);
  });
});
