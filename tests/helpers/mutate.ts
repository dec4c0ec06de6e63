/**
 * Random damage to real documents, for property tests: fast-check arbitraries of mutations
 * (wrong types, nulls, odd repository strings, 1 MB strings, missing fields, `__proto__` and
 * `constructor` as own keys, the way JSON.parse makes them) and a function that applies them to a
 * parsed document. A mutation is data, so fast-check prints the failing one.
 */
import fc from 'fast-check';

export type Path = (string | number)[];

export interface Mutation {
  op: 'set' | 'delete' | 'add-key';
  /** Steps down the document: a key, or a number picking the n-th key/element (modulo). */
  path: Path;
  value?: unknown;
  key?: string;
}

/** Stands for a 1 MiB string in a mutation (so a failing one prints short); see `expand`. */
export const MEGABYTE = '<1 MiB of x>';
const MEGABYTE_TEXT = 'x'.repeat(2 ** 20);

/** Stands for a fresh object with `__proto__`, `constructor`, ... as own keys. */
export const HOSTILE = '<object with __proto__ keys>';

function leaf(value: unknown): unknown {
  if (value === MEGABYTE) return MEGABYTE_TEXT;
  return value === HOSTILE ? (JSON.parse(HOSTILE_JSON) as unknown) : value;
}

/** The value a mutation puts in: a fresh copy, so no later mutation changes a shared value. */
function expand(value: unknown): unknown {
  // JSON keeps own `__proto__` keys both ways (JSON.parse makes them own properties again).
  return typeof value === 'object' && value !== null
    ? (JSON.parse(JSON.stringify(value), (_key, inner: unknown) => leaf(inner)) as unknown)
    : leaf(value);
}

/** Own keys a hostile document may carry: JSON.parse makes `__proto__` an own property. */
const HOSTILE_JSON =
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "toString": "x", "valueOf": {}, "hasOwnProperty": 1}';

const ODD_STRINGS = [
  '',
  ' ',
  'github:x',
  'github:',
  'gitlab:x',
  ':',
  'git+ssh://',
  'git+https://',
  'https://',
  'https://github.com/%E0%A4%A/x',
  'github:x/y/z',
  '\ud800',
  '1.0.0\ud800',
  '\u0000',
  '__proto__',
  'constructor',
  'toString',
  '*',
  'latest',
  '==',
  '>=1; python_version <',
  'x @ file:///etc/passwd',
  '../../../etc/passwd',
  'file:///etc/passwd',
  'pkg:npm/%',
  'pkg:pypi/',
  '<img src=x onerror=alert(1)>',
  "x' }) DETACH DELETE n //",
  'Name <not an email',
  'a@b@c',
];

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
  fc.constantFrom(...ODD_STRINGS),
  fc.string({ maxLength: 12 }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, -0.5, [], {}, MEGABYTE),
  fc.constantFrom<unknown>(...ODD_STRINGS),
  fc.constant(HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.array(fc.oneof(fc.constantFrom<unknown>(...ODD_STRINGS), fc.constant(HOSTILE)), {
    maxLength: 3,
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A random path, or one of the given ones (`*` takes a random key there). */
function pathArb(targets: readonly Path[]): fc.Arbitrary<Path> {
  const random = fc.array(fc.nat(), { maxLength: 5 });
  if (targets.length === 0) return random;
  const targeted = fc
    .tuple(fc.constantFrom(...targets), fc.array(fc.nat(), { minLength: 4, maxLength: 4 }))
    .map(([path, picks]) => path.map((step, i) => (step === '*' ? (picks[i % 4] ?? 0) : step)));
  return fc.oneof(targeted, random);
}

export function mutationArb(targets: readonly Path[] = []): fc.Arbitrary<Mutation> {
  const path = pathArb(targets);
  return fc.oneof(
    fc.record({ op: fc.constant('set' as const), path, value: hostileValue }),
    fc.record({ op: fc.constant('delete' as const), path }),
    fc.record({ op: fc.constant('add-key' as const), path, key: hostileKey, value: hostileValue }),
  );
}

export function mutationsArb(
  targets: readonly Path[] = [],
  maxLength = 4,
): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArb(targets), { minLength: 1, maxLength });
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** The key a step names in `container`: a string as written, a number as the n-th key. */
function keyAt(
  container: Record<string, unknown> | unknown[],
  step: string | number,
): string | undefined {
  if (typeof step === 'string') return step;
  const keys = Object.keys(container);
  return keys.length === 0 ? undefined : keys[step % keys.length];
}

/** Sets an own property, `__proto__` included (plain assignment would set the prototype). */
function define(container: object, key: string, value: unknown): void {
  Object.defineProperty(container, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Applies mutations to `document` in place (the root itself may be replaced: use the result). */
export function applyMutations(document: unknown, mutations: readonly Mutation[]): unknown {
  let root = document;
  for (const mutation of mutations) {
    const value = expand(mutation.value);
    if (mutation.path.length === 0 && mutation.op === 'set') {
      root = value;
      continue;
    }
    let parent: unknown = root;
    const steps = mutation.path.length === 0 ? [0] : mutation.path;
    let key: string | undefined;
    for (let i = 0; i < steps.length; i++) {
      if (!isContainer(parent)) break;
      key = keyAt(parent, steps[i] as string | number);
      if (key === undefined) break;
      if (i === steps.length - 1) break;
      const next: unknown = Object.prototype.hasOwnProperty.call(parent, key)
        ? (parent as Record<string, unknown>)[key]
        : undefined;
      if (!isContainer(next)) break;
      parent = next;
    }
    if (!isContainer(parent) || key === undefined) continue;
    if (mutation.op === 'delete') {
      if (Array.isArray(parent) && /^\d+$/.test(key)) parent.splice(Number(key), 1);
      else Reflect.deleteProperty(parent, key);
    } else if (mutation.op === 'set') define(parent, key, value);
    else {
      const target: unknown = Object.prototype.hasOwnProperty.call(parent, key)
        ? (parent as Record<string, unknown>)[key]
        : undefined;
      const into = isContainer(target) && !Array.isArray(target) ? target : parent;
      define(into, mutation.key ?? '__proto__', value);
    }
  }
  return root;
}

/** Whether anything reached Object.prototype (a `polluted` property, from HOSTILE). */
export function prototypePolluted(): boolean {
  return 'polluted' in {} || 'polluted' in Object.prototype;
}
