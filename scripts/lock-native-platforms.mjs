#!/usr/bin/env node
// Adds lockfile entries for the platform binaries of native packages that this machine's registry
// mirror does not serve (@grafeo-db/js-darwin-arm64 and friends). Without them `npm ci` refuses the
// lockfile ("Missing: ... from lock file"). Each entry records the version the parent package pins
// and the platform it is for, so npm skips it on other platforms; it has no integrity hash because
// the mirror cannot serve the tarball to hash. Run after `npm install` changes package-lock.json.
// See docs/decisions/002-lockfile-platform-binaries.md.
import fs from 'node:fs';

const NAPI_TARGETS = {
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'darwin-x64': { os: 'darwin', cpu: 'x64' },
  'linux-arm64-gnu': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'linux-arm64-musl': { os: 'linux', cpu: 'arm64', libc: 'musl' },
  'linux-x64-gnu': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'linux-x64-musl': { os: 'linux', cpu: 'x64', libc: 'musl' },
  'win32-x64-msvc': { os: 'win32', cpu: 'x64' },
  'win32-arm64-msvc': { os: 'win32', cpu: 'arm64' },
};

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = Object.keys(NAPI_TARGETS).find((t) => name.endsWith(`-${t}`));
    const key = `node_modules/${name}`;
    if (target === undefined || key in lock.packages) continue;
    const { os, cpu, libc } = NAPI_TARGETS[target];
    lock.packages[key] = {
      version,
      cpu: [cpu],
      ...(libc === undefined ? {} : { libc: [libc] }),
      license: entry.license,
      optional: true,
      os: [os],
      ...(entry.engines === undefined ? {} : { engines: entry.engines }),
    };
    added.push(`${name}@${version} (for ${path.replace(/^node_modules\//, '')})`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
  ),
);
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(added.length === 0 ? 'nothing to add' : `added:\n  ${added.join('\n  ')}`);
