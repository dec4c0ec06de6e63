/**
 * PEP 508 requirements (`requires_dist` entries, requirements.txt lines) through
 * pip-requirements-js, and their environment markers evaluated for a stated environment (PEP 440
 * comparison for version variables, string comparison otherwise).
 */
import { compare as pep440Compare, satisfies, valid } from '@renovatebot/pep440';
import {
  parsePipRequirementsLine,
  type EnvironmentMarker,
  type ProjectNameRequirement,
} from 'pip-requirements-js';
import { InvalidInputError } from '../../../core/errors.js';
import { MAX_NAME_LENGTH } from '../../../graph/values.js';
import { shownText } from '../../untrusted.js';

export interface PythonEnvironment {
  python_version: string;
  python_full_version: string;
  os_name: string;
  sys_platform: string;
  platform_system: string;
  platform_machine: string;
  platform_release: string;
  platform_version: string;
  platform_python_implementation: string;
  implementation_name: string;
  implementation_version: string;
}

/** The default: CPython 3.12 on 64-bit Linux (override with TRUSTMAP_PYTHON_ENV). */
export const DEFAULT_ENVIRONMENT: PythonEnvironment = {
  python_version: '3.12',
  python_full_version: '3.12.7',
  os_name: 'posix',
  sys_platform: 'linux',
  platform_system: 'Linux',
  platform_machine: 'x86_64',
  platform_release: '',
  platform_version: '',
  platform_python_implementation: 'CPython',
  implementation_name: 'cpython',
  implementation_version: '3.12.7',
};

export interface Requirement {
  name: string;
  extras: string[];
  /** The PEP 440 specifier, '' for any version. */
  specifier: string;
  marker: EnvironmentMarker | undefined;
}

/** PEP 503 normalised project name. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * PEP 508 sets no length on a name, and PyPI holds names of 200 characters; a longer one than the
 * store keeps of a name (`MAX_NAME_LENGTH`) is refused, so no key is built that the store would
 * refuse with the rest of its batch.
 */
export function assertProjectName(name: string): string {
  if (name.length > MAX_NAME_LENGTH)
    throw new InvalidInputError(
      `"${name.slice(0, 100)}…" is not a project name: it is longer than ${MAX_NAME_LENGTH} characters`,
    );
  return name;
}

/** A parsed requirement on a project by name, its name and extras normalised. */
function projectRequirement(parsed: ProjectNameRequirement): Requirement {
  return {
    name: normaliseName(assertProjectName(parsed.name)),
    extras: (parsed.extras ?? []).map(normaliseName),
    specifier: (parsed.versionSpec ?? []).map((s) => `${s.operator}${s.version}`).join(','),
    marker: parsed.environmentMarkerTree,
  };
}

/**
 * The longest requirement line read. The parser (pip-requirements-js) takes about 10 us and 1.6 KiB
 * of memory a character (a 1 MiB line: 7.5 s, 1.6 GiB), and real lines are under a few hundred
 * characters; a longer one is refused before it is parsed.
 */
export const MAX_REQUIREMENT_LINE = 2000;

/** One PEP 508 requirement; undefined for URL requirements (not followed). */
export function parseRequirement(line: string): Requirement | undefined {
  if (line.length > MAX_REQUIREMENT_LINE)
    throw new InvalidInputError(
      `"${shownText(line, 100)}…" is not read: a requirement is at most ${MAX_REQUIREMENT_LINE} characters`,
    );
  let parsed;
  try {
    parsed = parsePipRequirementsLine(line);
  } catch (error) {
    throw new InvalidInputError(`"${shownText(line)}" is not a PEP 508 requirement`, {
      cause: error,
    });
  }
  if (parsed === null || parsed.type !== 'ProjectName') return undefined;
  return projectRequirement(parsed);
}

const VERSION_VARIABLES = new Set([
  'python_version',
  'python_full_version',
  'implementation_version',
]);

function value(
  side: string,
  environment: PythonEnvironment,
  extra: string,
): { text: string; variable: string | undefined } {
  if (side.startsWith('"') || side.startsWith("'"))
    return { text: side.slice(1, -1), variable: undefined };
  if (side === 'extra') return { text: extra, variable: 'extra' };
  const known = (environment as unknown as Record<string, string | undefined>)[side];
  return { text: known ?? '', variable: side };
}

/**
 * Whether a marker holds in `environment`, for the extra being installed ('' for none). With
 * `'all'`, every environment condition holds (every platform's closure) but extras still must be
 * asked for.
 */
export function markerHolds(
  marker: EnvironmentMarker | undefined,
  environment: PythonEnvironment | 'all',
  extra = '',
): boolean {
  if (marker === undefined) return true;
  if (marker.operator === 'and' || marker.operator === 'or') {
    const node = marker;
    const left = markerHolds(node.left, environment, extra);
    const right = markerHolds(node.right, environment, extra);
    return node.operator === 'and' ? left && right : left || right;
  }
  const leaf = marker as { left: string; operator: string; right: string };
  if (environment === 'all' && leaf.left !== 'extra' && leaf.right !== 'extra') return true;
  const env = environment === 'all' ? DEFAULT_ENVIRONMENT : environment;
  const left = value(leaf.left, env, extra);
  const right = value(leaf.right, env, extra);
  const normalise = (s: string, variable: string | undefined) =>
    variable === 'extra' || left.variable === 'extra' || right.variable === 'extra'
      ? normaliseName(s)
      : s;
  const a = normalise(left.text, left.variable);
  const b = normalise(right.text, right.variable);
  switch (leaf.operator) {
    case 'in':
      return b.includes(a);
    case 'not in':
      return !b.includes(a);
    default:
  }
  const versions =
    (VERSION_VARIABLES.has(left.variable ?? '') || VERSION_VARIABLES.has(right.variable ?? '')) &&
    valid(a) !== null &&
    valid(b) !== null;
  if (versions) {
    // The environment's version is on the left of the PEP 440 specifier.
    if (left.variable !== undefined) return satisfies(a, `${leaf.operator}${b}`);
    const c = pep440Compare(a, b);
    return compareHolds(leaf.operator, c);
  }
  const c = a < b ? -1 : a > b ? 1 : 0;
  return compareHolds(leaf.operator, c);
}

function compareHolds(operator: string, c: number): boolean {
  switch (operator) {
    case '==':
    case '===':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return false;
  }
}
