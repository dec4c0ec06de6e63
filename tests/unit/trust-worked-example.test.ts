/**
 * The worked example of TRUST-MODEL.md section 4 (version 1), every value it lists, to 1e-3: local
 * scores, PageRank, propagation, exposure and chokepoints, which v2 keeps. Its person trust T is
 * v1's blend; v2 scores people by their record (trust-worked-example-v2.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { fragility, maintainerReach, reach } from '../../trust/chokepoints.js';
import { buildUndirectedCsr } from '../../trust/csr.js';
import { localScore } from '../../trust/local.js';
import { TRUST_PARAMS } from '../../trust/params.js';
import { exposure, limitingPath, weakestLink } from '../../trust/propagation.js';
import { normaliseReputation, personalisedPageRank } from '../../trust/reputation.js';

const close = (actual: number | undefined, expected: number): void => {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThan(1e-3);
};

// Reputation graph: acme, alice, bob, app, web, fmt, parse, pad.
const names = ['acme', 'alice', 'bob', 'app', 'web', 'fmt', 'parse', 'pad'];
const id = (name: string): number => names.indexOf(name);
const rEdges: [string, string, number][] = [
  ['acme', 'alice', 1],
  ['alice', 'app', 2],
  ['alice', 'web', 1.8],
  ['bob', 'web', 0.2],
  ['alice', 'fmt', 2],
  ['bob', 'parse', 1.75],
  ['alice', 'parse', 0.25],
  ['bob', 'pad', 2],
];
// Dependency graph over the packages only: app, web, fmt, parse, pad.
const packages = ['app', 'web', 'fmt', 'parse', 'pad'];
const pid = (name: string): number => packages.indexOf(name);
const deps: [string, string][] = [
  ['app', 'web'],
  ['app', 'parse'],
  ['web', 'parse'],
  ['web', 'fmt'],
  ['fmt', 'web'],
  ['parse', 'pad'],
];
const dependencies = {
  from: deps.map(([a]) => pid(a)),
  to: deps.map(([, b]) => pid(b)),
  weight: deps.map(() => 1),
};

describe('TRUST-MODEL.md worked example', () => {
  const pad = localScore({
    monthsSinceRelease: 30,
    commitsLast90Days: 0,
    activeContributors12Months: 1,
    attested: false,
    tagOverlap: 2 / 8,
    repositoryVerified: true,
    scorecard: 4,
    hasInstallScripts: false,
    osiLicence: true,
    advisories: ['moderate'],
  });
  const L: Record<string, number> = {
    app: 0.85,
    web: 0.8,
    fmt: 0.7,
    parse: 0.6,
    pad: pad.value,
    alice: 0.9,
    bob: 0.6,
  };

  const graph = buildUndirectedCsr(names.length, {
    from: rEdges.map(([a]) => id(a)),
    to: rEdges.map(([, b]) => id(b)),
    weight: rEdges.map(([, , w]) => w),
  });
  const { pi } = personalisedPageRank(graph, [id('acme')]);
  const R = normaliseReputation(pi, [id('acme')]);
  const T = (person: string): number =>
    (1 - TRUST_PARAMS.eta) * (L[person] as number) + TRUST_PARAMS.eta * (R[id(person)] as number);
  const publishers: Record<string, string[]> = {
    app: ['alice'],
    web: ['alice'],
    fmt: ['alice'],
    parse: ['bob'],
    pad: ['bob'],
  };
  const S = (p: string): number => Math.min(...(publishers[p] ?? []).map(T));
  const O = (p: string): number =>
    (1 - TRUST_PARAMS.gamma) * (L[p] as number) + TRUST_PARAMS.gamma * S(p);
  const r0 = Float64Array.from(packages.map((p) => 1 - O(p)));

  it('1. L(pad) from raw signals', () => {
    close(pad.categories.activity, 0.1553);
    close(pad.categories.provenance, 0.4167);
    close(pad.categories.hygiene, 0.8);
    close(pad.categories.vulnerabilities, 0.6);
    close(pad.value, 0.4738);
    expect(pad.coverage).toBe(1);
  });

  it('2. personalised PageRank, reputation and trust of people', () => {
    const expected: Record<string, number> = {
      acme: 0.1996,
      alice: 0.4115,
      bob: 0.048,
      app: 0.0992,
      web: 0.0914,
      fmt: 0.0992,
      parse: 0.0305,
      pad: 0.0207,
    };
    for (const [name, value] of Object.entries(expected)) close(pi[id(name)], value);
    close(R[id('bob')], 0.3404);
    close(R[id('alice')], 1);
    close(T('alice'), 0.95);
    close(T('bob'), 0.4702);
  });

  it('3. own trust', () => {
    for (const p of ['app', 'web', 'fmt']) close(S(p), 0.95);
    for (const p of ['parse', 'pad']) close(S(p), 0.4702);
    const expected: Record<string, number> = {
      app: 0.88,
      web: 0.845,
      fmt: 0.775,
      parse: 0.5611,
      pad: 0.4727,
    };
    for (const [p, value] of Object.entries(expected)) close(O(p), value);
  });

  it('4. effective trust by weakest link, with the limiting path', () => {
    const { rho, via } = weakestLink(packages.length, dependencies, r0);
    const E = (p: string): number => 1 - (rho[pid(p)] as number);
    close(E('app'), 0.7805);
    close(E('web'), 0.7805);
    close(E('fmt'), 0.775);
    close(E('parse'), 0.5611);
    close(E('pad'), 0.4727);
    expect(limitingPath(via, pid('app')).map((i) => packages[i])).toEqual(['app', 'parse']);
    expect(limitingPath(via, pid('web')).map((i) => packages[i])).toEqual(['web', 'parse']);
    expect(limitingPath(via, pid('parse')).map((i) => packages[i])).toEqual(['parse']); // its own risk beats pad's
    close(TRUST_PARAMS.delta * (rho[pid('pad')] as number), 0.2636);
  });

  it('5. exposure by noisy-or over the condensation', () => {
    const { rhoN, condensation, componentR0, componentRhoN } = exposure(
      packages.length,
      dependencies,
      r0,
    );
    const webFmt = condensation.component[pid('web')] as number;
    expect(condensation.component[pid('fmt')]).toBe(webFmt);
    close(componentR0[webFmt], 0.3451);
    const expected: Record<string, number> = {
      pad: 0.5273,
      parse: 0.5868,
      web: 0.5373,
      fmt: 0.5373,
      app: 0.5453,
    };
    for (const [p, value] of Object.entries(expected)) close(rhoN[pid(p)], value);
    // Log shares of app's exposure: own, the {web, fmt} cycle, parse.
    const total = -Math.log(1 - (rhoN[pid('app')] as number));
    close(-Math.log(1 - (r0[pid('app')] as number)) / total, 0.162);
    close(-Math.log(1 - TRUST_PARAMS.delta * (componentRhoN[webFmt] as number)) / total, 0.397);
    close(-Math.log(1 - TRUST_PARAMS.delta * (rhoN[pid('parse')] as number)) / total, 0.441);
  });

  it('6. chokepoints: reach, fragility, maintainer reach', () => {
    const reachOf = reach(packages.length, dependencies);
    expect(Object.fromEntries(packages.map((p) => [p, reachOf[pid(p)]]))).toEqual({
      pad: 4,
      parse: 3,
      web: 2,
      fmt: 2,
      app: 0,
    });
    const bf: Record<string, number> = { app: 1, web: 2, fmt: 1, parse: 1, pad: 1 };
    const F = (p: string): number => fragility(reachOf[pid(p)] as number, bf[p] as number, O(p));
    close(F('pad'), 2.109);
    close(F('parse'), 1.317);
    close(F('fmt'), 0.45);
    close(F('web'), 0.155);
    close(F('app'), 0);
    const mr = maintainerReach(
      packages.length,
      dependencies,
      new Map([
        ['alice', ['app', 'web', 'fmt'].map(pid)],
        ['bob', ['parse', 'pad'].map(pid)],
      ]),
      packages.map((p) => (publishers[p] ?? []).length),
    );
    expect(mr.get('bob')).toEqual({ reach: 5, soleReach: 5 });
    expect(mr.get('alice')).toEqual({ reach: 3, soleReach: 3 });
    close((mr.get('bob')?.soleReach ?? 0) * (1 - T('bob')), 2.649);
    close((mr.get('alice')?.soleReach ?? 0) * (1 - T('alice')), 0.15);
  });
});
