/**
 * The Python environment a PyPI closure is resolved for, from what a user states: a Python
 * version, a platform and an implementation (`--python 3.10 --platform macos --implementation
 * pypy`). The PEP 508 marker variables follow from them as each interpreter reports its own;
 * what is not stated is the default (CPython 3.12 on 64-bit Linux; PyPy implements Python 3.11 at
 * the newest). A minor version stands for its last release, which `requires-python` is checked
 * against.
 */
import { valid } from '@renovatebot/pep440';
import { InvalidInputError } from '../../../core/errors.js';
import { DEFAULT_ENVIRONMENT, type PythonEnvironment } from './requirement.js';

export const PLATFORMS = ['linux', 'macos', 'windows'] as const;
export type PythonPlatform = (typeof PLATFORMS)[number];
export const IMPLEMENTATIONS = ['cpython', 'pypy'] as const;
export type PythonImplementation = (typeof IMPLEMENTATIONS)[number];

export interface EnvironmentChoice {
  /** `3.10` or `3.10.4`; a minor version stands for its last release (below). */
  python?: string | undefined;
  platform?: string | undefined;
  implementation?: string | undefined;
}

/** The last release of each minor version, for `python_full_version` when only `3.x` is given. */
const LAST_RELEASE: Record<string, string> = {
  '2.7': '2.7.18',
  '3.5': '3.5.10',
  '3.6': '3.6.15',
  '3.7': '3.7.17',
  '3.8': '3.8.20',
  '3.9': '3.9.20',
  '3.10': '3.10.15',
  '3.11': '3.11.10',
  '3.12': '3.12.7',
  '3.13': '3.13.0',
  '3.14': '3.14.0',
};

/** The PyPy release that implements each Python (its `implementation_version`). */
const PYPY_RELEASE: Record<string, string> = {
  '2.7': '7.3.17',
  '3.6': '7.3.3',
  '3.7': '7.3.9',
  '3.8': '7.3.11',
  '3.9': '7.3.16',
  '3.10': '7.3.17',
  '3.11': '7.3.19',
};

const NEWEST_PYPY_PYTHON = '3.11';

const PLATFORM_MARKERS: Record<
  PythonPlatform,
  Pick<PythonEnvironment, 'os_name' | 'sys_platform' | 'platform_system' | 'platform_machine'>
> = {
  linux: {
    os_name: 'posix',
    sys_platform: 'linux',
    platform_system: 'Linux',
    platform_machine: 'x86_64',
  },
  macos: {
    os_name: 'posix',
    sys_platform: 'darwin',
    platform_system: 'Darwin',
    platform_machine: 'arm64',
  },
  windows: {
    os_name: 'nt',
    sys_platform: 'win32',
    platform_system: 'Windows',
    platform_machine: 'AMD64',
  },
};

function choose<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  const found = allowed.find((a) => a === lower);
  if (found === undefined)
    throw new InvalidInputError(
      `${flag} "${value.slice(0, 40)}" is not one of ${allowed.join(', ')}`,
    );
  return found;
}

/** The environment for what was stated; throws `InvalidInputError` naming the bad setting. */
export function pythonEnvironment(choice: EnvironmentChoice): PythonEnvironment {
  const platform = choose(choice.platform, PLATFORMS, '--platform') ?? 'linux';
  const implementation = choose(choice.implementation, IMPLEMENTATIONS, '--implementation');
  // PyPy without a stated Python: the newest Python a PyPy implements.
  let minor = implementation === 'pypy' ? NEWEST_PYPY_PYTHON : DEFAULT_ENVIRONMENT.python_version;
  let full = LAST_RELEASE[minor] ?? DEFAULT_ENVIRONMENT.python_full_version;
  if (choice.python !== undefined) {
    const stated = choice.python.trim();
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(stated);
    if (match === null || valid(stated) === null)
      throw new InvalidInputError(
        `--python "${stated.slice(0, 40)}" is not a Python version such as 3.10 or 3.10.4`,
      );
    minor = `${match[1]}.${match[2]}`;
    full = match[3] === undefined ? (LAST_RELEASE[minor] ?? `${minor}.0`) : stated;
  }
  const pypy = implementation === 'pypy';
  if (pypy && PYPY_RELEASE[minor] === undefined)
    throw new InvalidInputError(`--implementation pypy: no PyPy implements Python ${minor}`);
  return {
    ...DEFAULT_ENVIRONMENT,
    ...PLATFORM_MARKERS[platform],
    python_version: minor,
    python_full_version: full,
    platform_python_implementation: pypy ? 'PyPy' : 'CPython',
    implementation_name: pypy ? 'pypy' : 'cpython',
    implementation_version: pypy ? (PYPY_RELEASE[minor] as string) : full,
  };
}

/** Whether anything was stated (otherwise the caller keeps its own default). */
export function environmentStated(choice: EnvironmentChoice): boolean {
  return (
    choice.python !== undefined ||
    choice.platform !== undefined ||
    choice.implementation !== undefined
  );
}
