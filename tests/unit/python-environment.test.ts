/** The environment PyPI markers are evaluated for, from --python, --platform and --implementation. */
import { describe, expect, it } from 'vitest';
import { pythonEnvironment } from '../../ingest/sources/pypi/environment.js';
import { markerHolds, parseRequirement } from '../../ingest/sources/pypi/requirement.js';

const holds = (line: string, choice: Parameters<typeof pythonEnvironment>[0]): boolean =>
  markerHolds(parseRequirement(line)?.marker, pythonEnvironment(choice));

describe('pythonEnvironment', () => {
  it('is CPython 3.12 on 64-bit Linux when nothing is stated', () => {
    expect(pythonEnvironment({})).toMatchObject({
      python_version: '3.12',
      sys_platform: 'linux',
      implementation_name: 'cpython',
    });
  });

  it('sets the marker variables each interpreter reports', () => {
    expect(
      pythonEnvironment({ python: '3.10', platform: 'macos', implementation: 'PyPy' }),
    ).toEqual(
      expect.objectContaining({
        python_version: '3.10',
        python_full_version: '3.10.15',
        os_name: 'posix',
        sys_platform: 'darwin',
        platform_system: 'Darwin',
        platform_python_implementation: 'PyPy',
        implementation_name: 'pypy',
        implementation_version: '7.3.17',
      }),
    );
    expect(pythonEnvironment({ python: '3.9.7', platform: 'windows' })).toEqual(
      expect.objectContaining({
        python_version: '3.9',
        python_full_version: '3.9.7',
        os_name: 'nt',
        sys_platform: 'win32',
        platform_system: 'Windows',
        implementation_version: '3.9.7',
      }),
    );
  });

  it('evaluates markers for the stated environment', () => {
    expect(holds('colorama; sys_platform == "win32"', { platform: 'windows' })).toBe(true);
    expect(holds('colorama; sys_platform == "win32"', { platform: 'linux' })).toBe(false);
    expect(holds('x; python_version < "3.7"', { python: '3.6' })).toBe(true);
    expect(holds('x; python_version < "3.7"', { python: '3.12' })).toBe(false);
    expect(holds('x; platform_python_implementation == "PyPy"', { implementation: 'pypy' })).toBe(
      true,
    );
  });

  it.each([
    [{ python: '3' }, /--python/],
    [{ python: 'latest' }, /--python/],
    [{ platform: 'solaris' }, /--platform/],
    [{ implementation: 'ironpython' }, /--implementation/],
    [{ python: '3.13', implementation: 'pypy' }, /no PyPy implements Python 3.13/],
  ])('refuses %j, naming the setting', (choice, message) => {
    expect(() => pythonEnvironment(choice)).toThrow(message);
  });
});
