/**
 * PyPI closures: from each root requirement, the highest release that satisfies its PEP 440
 * specifier (no yanked releases; pre-releases only when the specifier names one), then its
 * `requires_dist`, following a requirement when its marker holds in the stated environment (or
 * always, with `environment: 'all'`) and extras only when asked. Writes RESOLVES_TO {root} for
 * the resolved tree, as the npm closure does. As of an instant (`--as-of`), a release first
 * uploaded later, or whose upload time PyPI does not give, is not a candidate (as uv's
 * `--exclude-newer` reads it); yanked is what PyPI says today, not what it said then.
 */
import { explain, maxSatisfying, satisfies } from '@renovatebot/pep440';
import { failureCode, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Failure } from './npm-closure.js';
import { pypiProvenanceRecords } from './pypi-provenance.js';
import { GraphRecords } from './records.js';
import type { PyPiClient } from './sources/pypi/pypi-client.js';
import { mapRelease, pypiPackageKey, pypiVersionKey } from './sources/pypi/map-release.js';
import {
  markerHolds,
  type PythonEnvironment,
  type Requirement,
} from './sources/pypi/requirement.js';

export interface PyPiRoot {
  input: string;
  requirement: Requirement;
  /** The project that asks for it (a requirements file), or none: then the release is the root. */
  from?: { key: string; root: string };
  /** A lockfile's exact release: fetched and mapped, not followed (the lockfile has the edges). */
  locked?: boolean;
}

export interface PyPiClosureResult {
  roots: { spec: string; resolved: string | null }[];
  resolved: string[];
  failures: Failure[];
  projects: number;
  /** Projects whose owners PyPI named, and whose upload times it gave. */
  maintainersKnown: number;
  timesKnown: number;
}

/** The release a requirement resolves to, from a project's versions. */
export function pickVersion(
  versions: readonly string[],
  yanked: ReadonlySet<string>,
  specifier: string,
  python?: { version: string; requires: ReadonlyMap<string, string> },
  before?: { uploaded: ReadonlyMap<string, string>; asOf: Date },
): string | undefined {
  const existed = (v: string): boolean =>
    before === undefined || Date.parse(before.uploaded.get(v) ?? '') <= before.asOf.getTime();
  const candidates = versions.filter((v) => {
    if (yanked.has(v) || !existed(v)) return false;
    const requires = python?.requires.get(v);
    // A release that does not run on the environment's Python is not a candidate.
    return python === undefined || requires === undefined || satisfies(python.version, requires);
  });
  const wantsPre = /\d(a|b|rc|c|dev)\d*/i.test(specifier);
  const stable = candidates.filter((v) => wantsPre || explain(v)?.is_prerelease !== true);
  const pool = stable.length > 0 ? stable : candidates;
  if (specifier === '' || specifier === '*') return maxSatisfying(pool, '>=0') ?? undefined;
  return maxSatisfying(pool, specifier) ?? undefined;
}

/** Pythons tried, oldest first, for a closure that must hold on every Python the root supports. */
const PYTHONS = [
  '2.7.18',
  '3.5.10',
  '3.6.15',
  '3.7.17',
  '3.8.20',
  '3.9.20',
  '3.10.15',
  '3.11.10',
  '3.12.7',
  '3.13.0',
];

/** The oldest Python a `requires_python` allows (2.7 without one). */
export function oldestPython(requires: string | undefined): string {
  if (requires === undefined) return PYTHONS[0] as string;
  return PYTHONS.find((p) => satisfies(p, requires)) ?? (PYTHONS[0] as string);
}

export async function pypiClosure(options: {
  roots: PyPiRoot[];
  client: PyPiClient;
  sink: (records: GraphRecords) => Promise<void>;
  environment: PythonEnvironment | 'all';
  maxDepth?: number | undefined;
  /** Resolve as PyPI stood then: releases uploaded later do not exist. */
  asOf?: Date | undefined;
  logger: Logger;
}): Promise<PyPiClosureResult> {
  const resolved = new Set<string>();
  const projects = new Set<string>();
  const failures: Failure[] = [];
  const roots: PyPiClosureResult['roots'] = [];
  const expanded = new Set<string>();
  const ownersKnown = new Set<string>();
  const timesKnown = new Set<string>();
  const holds = (requirement: Requirement, extra: string): boolean =>
    markerHolds(requirement.marker, options.environment, extra);

  const resolve = async (
    requirement: Requirement,
    parent: string | undefined,
    root: string | undefined,
    depth: number,
    python: string | undefined,
    follow = true,
  ): Promise<string | undefined> => {
    const fail = (code: ErrorCode, reason: string): void => {
      failures.push({
        name: requirement.name,
        spec: requirement.specifier || '*',
        parent,
        code,
        reason,
        optional: false,
      });
    };
    // A project PyPI cannot serve is a failure of that project; the run goes on.
    const fetched = <T>(work: Promise<T>): Promise<T | Error> =>
      work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    const index = await fetched(options.client.index(requirement.name));
    if (index instanceof Error) {
      fail('REGISTRY_FAILED', index.message);
      return undefined;
    }
    if (index === undefined) {
      fail('NOT_FOUND', 'PyPI does not have this project');
      return undefined;
    }
    // What PyPI sent is untrusted: a step over it that throws is this project's failure (a
    // store write, outside these steps, still stops the run).
    const pure = <T>(what: string, work: () => T): T | Error => {
      try {
        return work();
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        fail(
          failureCode(error, 'PACKAGE_INVALID'),
          `${pypiPackageKey(requirement.name)}: ${what}: ${why}`,
        );
        return error instanceof Error ? error : new Error(why);
      }
    };
    const version = pure('its versions cannot be compared', () =>
      pickVersion(
        index.versions,
        index.yanked,
        requirement.specifier,
        python === undefined ? undefined : { version: python, requires: index.requiresPython },
        options.asOf === undefined ? undefined : { uploaded: index.uploaded, asOf: options.asOf },
      ),
    );
    if (version instanceof Error) return undefined;
    if (version === undefined) {
      fail(
        'NO_MATCHING_VERSION',
        `no release satisfies ${requirement.specifier || 'any version'}${options.asOf === undefined ? '' : ` as of ${options.asOf.toISOString()}`}`,
      );
      return undefined;
    }
    const key = pypiVersionKey(requirement.name, version);
    const effectiveRoot = root ?? key;
    if (parent !== undefined) {
      const records = new GraphRecords();
      records.relationship('RESOLVES_TO', parent, key, {
        root: effectiveRoot,
        range: requirement.specifier || '*',
      });
      await options.sink(records);
    } else if (root === undefined)
      // A root is scored even when nothing resolves from it (no dependencies).
      await options.sink(new GraphRecords().node('Version', key, { ingestedRoot: true }));
    resolved.add(key);
    projects.add(pypiPackageKey(requirement.name));
    const id = `${effectiveRoot} ${key} ${requirement.extras.join(',')}`;
    if (expanded.has(id)) return key;
    expanded.add(id);
    const document = await fetched(options.client.release(requirement.name, version));
    if (document instanceof Error) {
      fail('REGISTRY_FAILED', document.message);
      return key;
    }
    if (document === undefined) {
      fail('NOT_FOUND', `PyPI has no document for ${version}`);
      return key;
    }
    const mapped = pure(`the release document of ${version} cannot be mapped`, () => {
      const release = mapRelease(requirement.name, version, document, index);
      release.records.check(); // a row the store refuses fails this project, not the batch
      return release;
    });
    if (mapped instanceof Error) return key;
    if (mapped.maintainersKnown) ownersKnown.add(index.name);
    if (mapped.timeKnown) timesKnown.add(index.name);
    await options.sink(mapped.records);
    await options.sink(
      await pypiProvenanceRecords(options.client, requirement.name, version, index),
    );
    if (mapped.invalid.length > 0)
      options.logger.warn(
        { release: key, invalid: mapped.invalid },
        'requires_dist entries that are not PEP 508 were left out',
      );
    if (!follow || (options.maxDepth !== undefined && depth >= options.maxDepth)) return key;
    const extras = ['', ...requirement.extras];
    const children = mapped.requirements.filter((r) => extras.some((extra) => holds(r, extra)));
    // With every marker taken, the closure must hold on the oldest Python the root supports.
    const childPython =
      python ??
      (options.environment === 'all' ? oldestPython(index.requiresPython.get(version)) : undefined);
    await Promise.all(
      children.map((child) => resolve(child, key, effectiveRoot, depth + 1, childPython)),
    );
    return key;
  };

  // Roots from a requirements file are that file's (the caller lists it once); the others are
  // listed here with what they resolved to.
  await Promise.all(
    options.roots.map(async (root) => {
      const python =
        options.environment !== 'all'
          ? options.environment.python_full_version
          : root.from === undefined
            ? undefined
            : oldestPython(undefined);
      if (root.locked === true) {
        await resolve(root.requirement, undefined, root.from?.root, 0, undefined, false);
        return;
      }
      const key = await resolve(root.requirement, root.from?.key, root.from?.root, 0, python);
      if (root.from === undefined) roots.push({ spec: root.input, resolved: key ?? null });
    }),
  );
  return {
    roots,
    resolved: [...resolved].sort(),
    failures,
    projects: projects.size,
    maintainersKnown: ownersKnown.size,
    timesKnown: timesKnown.size,
  };
}
