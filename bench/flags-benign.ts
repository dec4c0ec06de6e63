/**
 * The change flags' false positives on benign history: every version of the 52 real packuments
 * flagged as of its own upload time. Prints the share with a high flag (target at most 3%), the
 * counts per flag and severity, and each high flag with its evidence. Asserts nothing.
 *
 *   npx tsx bench/flags-benign.ts
 */
import { flagBenignHistory } from '../tests/helpers/benign-history.js';

const started = performance.now();
const history = await flagBenignHistory();
const high = history.flagged.filter((v) => v.flags.some((f) => f.severity === 'high'));
const counts = new Map<string, number>();
for (const { flags } of history.flagged)
  for (const f of flags)
    counts.set(`${f.severity} ${f.id}`, (counts.get(`${f.severity} ${f.id}`) ?? 0) + 1);

console.log(
  `benign history: ${history.packages} packages, ${history.versions} versions with an upload time, each flagged as of it (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
console.log(
  `  with a high flag: ${high.length} (${((100 * high.length) / history.versions).toFixed(2)}%), with any flag: ${history.flagged.length}`,
);
for (const [flag, count] of [...counts].sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(count).padStart(5)}  ${flag}`);
console.log('high flags:');
for (const { key, flags } of high)
  for (const f of flags.filter((x) => x.severity === 'high'))
    console.log(`  ${key}  ${f.id}: ${f.evidence}`);
