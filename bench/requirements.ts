/**
 * What reading a requirements file costs (decision 016): `readRequirements` on generated files,
 * each in a child process of its own so that its peak memory is its own, against
 * pip-requirements-js's whole-file parser on the same text (what trustmap ran before; it refuses a
 * file with hashes or options). Also the longest the reading held its thread without letting a
 * timer run (for an upload, the API server's thread). Usage: npx tsx bench/requirements.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HASH = (i: number): string => `--hash=sha256:${i.toString(16).padStart(64, '0')}`;

/** The files measured: what each stands for, and its text. */
const FILES: [string, string][] = [
  ['2,000 short requirements', lines(2000, (i) => `package-name-${i}>=1.0.0,<2`)],
  [
    '10,000 short requirements (the line limit)',
    lines(10_000, (i) => `package-name-${i}>=1.0.0,<2`),
  ],
  [
    'pip-compile --generate-hashes: 300 pins, 30 hashes each',
    lines(300, (i) =>
      [`package-${i}==1.0.${i} \\`, ...Array.from({ length: 30 }, (_, h) => `    ${HASH(h)} \\`)]
        .join('\n')
        .replace(/ \\$/, ''),
    ),
  ],
  [
    '260 requirements of 2,000 characters (about the 512 KiB text limit)',
    lines(260, (i) => `p${i}${'x'.repeat(990)}==${'1'.repeat(1000 - String(i).length)}`),
  ],
  [
    'options only: 9,990 lines of 66 --pre flags each (about the 4 MiB file limit)',
    lines(9990, () => Array.from({ length: 66 }, () => '--pre').join(' ')),
  ],
  [
    'crafted: 2,551 markers in 90 nested parentheses (about the 512 KiB text limit)',
    lines(2551, (i) => `p${i};${'('.repeat(90)}os_name=="nt"${')'.repeat(90)}`),
  ],
];

function lines(count: number, line: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => line(i)).join('\n');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-requirements-'));
const root = path.resolve(import.meta.dirname, '..');
// A child reads one file one way and prints its time; /usr/bin/time gives its peak memory (KiB).
const child = path.join(dir, 'child.mts');
fs.writeFileSync(
  child,
  `import fs from 'node:fs';
import { parsePipRequirementsFile } from ${JSON.stringify(path.join(root, 'node_modules/pip-requirements-js/dist/index.js'))};
import { readRequirements } from ${JSON.stringify(path.join(root, 'ingest/roots/requirements.ts'))};
import { watchThread } from ${JSON.stringify(path.join(root, 'tests/helpers/thread-held.ts'))};
const [how, file] = process.argv.slice(2);
// A timer every 2 ms: the longest gap between its runs is the longest the reading held the thread.
const watch = watchThread(2);
const start = performance.now();
let result = '';
try {
  result = how === 'lines'
    ? String((await readRequirements(file)).requirements.length) + ' requirements'
    : String(parsePipRequirementsFile(fs.readFileSync(file, 'utf8')).length) + ' entries';
} catch (error) {
  result = 'refused: ' + String(error instanceof Error ? error.message : error).slice(0, 60);
}
const ms = performance.now() - start;
const { held } = watch.stop();
console.log(JSON.stringify({ ms, held, result }));
`,
);

function measure(how: 'lines' | 'whole', file: string): string {
  try {
    const stderr = path.join(dir, 'time.txt');
    const out = execFileSync(
      'sh',
      [
        '-c',
        `/usr/bin/time -f %M "$0" --import tsx "$1" "$2" "$3" 2>"$4"`,
        process.execPath,
        child,
        how,
        file,
        stderr,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const { ms, held, result } = JSON.parse(out) as { ms: number; held: number; result: string };
    const kib = Number(fs.readFileSync(stderr, 'utf8').trim().split('\n').pop());
    return `${ms.toFixed(0)} ms, ${(kib / 1024).toFixed(0)} MiB peak, thread held ${held.toFixed(0)} ms at most (${result})`;
  } catch (error) {
    return `failed: ${String(error instanceof Error ? error.message : error).slice(0, 80)}`;
  }
}

console.log(
  '| file | bytes | read as pip reads it (now) | whole file, pip-requirements-js (before) |',
);
console.log('| --- | ---: | --- | --- |');
for (const [what, text] of FILES) {
  const file = path.join(dir, 'requirements.txt');
  fs.writeFileSync(file, text);
  console.log(
    `| ${what} | ${text.length} | ${measure('lines', file)} | ${measure('whole', file)} |`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
