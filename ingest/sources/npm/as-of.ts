/**
 * A packument as the registry stood at an instant, the way `npm install --before <date>` reads
 * it (npm-pick-manifest's `before`): versions published later do not exist, and a dist-tag
 * pointing at one of them is gone (so a range picks the highest version published by then; the
 * tag itself, asked for by name, picks the highest version up to the one it names). A
 * version the document gives no time for is kept, as npm keeps it: nothing says it came later
 * (the ingest's coverage counts the packages whose times are known).
 */
import type { Packument } from './packument.js';

export function packumentAsOf(packument: Packument, asOf: Date): Packument {
  const times = packument.times;
  const instant = asOf.getTime();
  const existed = (version: string): boolean => {
    const at = times?.get(version);
    return at === undefined || Date.parse(at) <= instant;
  };
  const versions = new Map([...packument.versions].filter(([version]) => existed(version)));
  const tags = [...packument.distTags];
  const distTags = new Map(tags.filter(([, version]) => versions.has(version)));
  const laterTags = new Map(tags.filter(([, version]) => !versions.has(version)));
  return {
    ...packument,
    versions,
    distTags,
    laterTags,
    times: times === undefined ? undefined : new Map([...times].filter(([v]) => versions.has(v))),
    modified: undefined,
  };
}
