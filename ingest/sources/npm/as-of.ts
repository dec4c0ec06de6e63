/**
 * A packument as the registry stood at an instant, the way `npm install --before <date>` reads
 * it: versions published later do not exist, and a dist-tag pointing at one of them is gone (so a
 * range picks the highest version published by then). Without publish times nothing can be said
 * about the instant, and the package is refused rather than guessed.
 */
import { InvalidPackageError } from '../../../core/errors.js';
import type { Packument } from './packument.js';

export function packumentAsOf(packument: Packument, asOf: Date): Packument {
  const times = packument.times;
  if (times === undefined)
    throw new InvalidPackageError(
      `pkg:npm/${packument.name}: the registry gives no publish times, so which versions existed on ${asOf.toISOString()} cannot be told`,
    );
  const instant = asOf.getTime();
  const existed = (version: string): boolean => {
    const time = Date.parse(times.get(version) ?? '');
    return time <= instant;
  };
  const versions = new Map([...packument.versions].filter(([version]) => existed(version)));
  const distTags = new Map([...packument.distTags].filter(([, version]) => versions.has(version)));
  return {
    ...packument,
    versions,
    distTags,
    times: new Map([...times].filter(([version]) => versions.has(version))),
    modified: undefined,
  };
}
