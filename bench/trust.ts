/**
 * The trust engine's algorithms on a synthetic scale-free dependency graph (preferential
 * attachment): local scores, personalised PageRank over people and packages, weakest-link
 * effective trust, noisy-or exposure over the condensation, and reach (HyperLogLog). Prints each
 * phase's time and the peak memory. Target (issue 4): 1M nodes and 5M edges in at most 15 s and
 * 2 GB. Asserts nothing.
 *
 *   node --max-old-space-size=4096 --import tsx bench/trust.ts [nodes=1000000] [edgesPerNode=5]
 */
import { buildUndirectedCsr } from '../trust/csr.js';
import { localScore } from '../trust/local.js';
import { exposure, weakestLink } from '../trust/propagation.js';
import { approximateReach } from '../trust/reach-sketch.js';
import { normaliseReputation, personalisedPageRank } from '../trust/reputation.js';

const n = Number(process.argv[2] ?? 1_000_000);
const perNode = Number(process.argv[3] ?? 5);
let seed = 12345;
const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

function time<T>(label: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  ${label.padEnd(38)} ${seconds.toFixed(2).padStart(7)} s   rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
  total += seconds;
  return result;
}
let total = 0;

console.log(
  `trust engine bench: ${n.toLocaleString('en')} packages, ~${perNode} dependencies each, node ${process.version}`,
);
const { from, to } = time('generate scale-free graph', () => {
  // Preferential attachment: a new package depends on earlier ones, popular ones more likely.
  const m = (n - 1) * perNode;
  const from = new Uint32Array(m);
  const to = new Uint32Array(m);
  const ends = new Uint32Array(m + n);
  let endsLength = 0;
  let e = 0;
  ends[endsLength++] = 0;
  for (let v = 1; v < n; v++) {
    for (let k = 0; k < perNode; k++) {
      const target =
        random() < 0.5
          ? (ends[Math.floor(random() * endsLength)] as number)
          : Math.floor(random() * v);
      from[e] = v;
      to[e] = target;
      e++;
      ends[endsLength++] = target;
    }
    ends[endsLength++] = v;
  }
  // A few back edges make cycles, as real ecosystems have.
  for (let k = 0; k < n / 1000; k++) {
    const a = Math.floor(random() * n);
    from[Math.floor(random() * m)] = a;
  }
  return { from, to };
});
const weight = new Float64Array(from.length).fill(1);
const dependencies = { from, to, weight };

const local = time('local scores', () => {
  const values = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    values[v] = localScore({
      monthsSinceRelease: random() * 60,
      attested: random() < 0.1,
      hasInstallScripts: random() < 0.05,
      osiLicence: random() < 0.95,
    }).value;
  }
  return values;
});

const people = Math.floor(n / 5);
const reputation = time('personalised PageRank (people+packages)', () => {
  const rFrom = new Uint32Array(n);
  const rTo = new Uint32Array(n);
  for (let p = 0; p < n; p++) {
    rFrom[p] = n + Math.floor(random() ** 2 * people); // a few people maintain many packages
    rTo[p] = p;
  }
  const graph = buildUndirectedCsr(n + people, { from: rFrom, to: rTo });
  const anchors = Array.from({ length: 20 }, (_, i) => n + i);
  const { pi, iterations } = personalisedPageRank(graph, anchors);
  console.log(`    (${iterations} iterations)`);
  return normaliseReputation(pi, anchors);
});

const r0 = time('own trust', () => {
  const out = new Float64Array(n);
  for (let v = 0; v < n; v++)
    out[v] = 1 - (0.7 * (local[v] as number) + 0.3 * (0.25 + 0.5 * (reputation[v] as number)));
  return out;
});

time('effective trust (weakest link)', () => weakestLink(n, dependencies, r0));
time('exposure (Tarjan + noisy-or)', () => exposure(n, dependencies, r0));
const reach = time('reach (HyperLogLog over condensation)', () =>
  approximateReach(n, dependencies),
);
let top = 0;
for (let v = 0; v < n; v++) if ((reach[v] as number) > (reach[top] as number)) top = v;
console.log(
  `  total                                  ${total.toFixed(2)} s (generation included); largest reach ~${Math.round(reach[top] as number).toLocaleString('en')} (node ${top})`,
);
console.log(`  peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
