/** The incident replays of tests/fixtures/incidents (README there), served by a fixture registry. */
import fs from 'node:fs';
import path from 'node:path';
import type { FixtureRegistry } from './fixture-registry.js';

export const INCIDENTS = path.resolve(import.meta.dirname, '../fixtures/incidents');

export interface Incident {
  id: string;
  asOf: string;
  consumer: string;
  bad: string[];
  predecessor: Record<string, string>;
  /** The changes a reader would name, in words ("install script added"). */
  expected?: string[];
}

/** The incident of a folder, by its name. */
export function readIncident(name: string): Incident {
  return JSON.parse(
    fs.readFileSync(path.join(INCIDENTS, name, 'incident.json'), 'utf8'),
  ) as Incident;
}

/** Makes `registry` serve the incident's packuments, and only those beside the shared fixtures. */
export function serveIncident(registry: FixtureRegistry, name: string): void {
  registry.overrides.clear();
  const folder = path.join(INCIDENTS, name);
  for (const file of fs.readdirSync(folder).filter((f) => f !== 'incident.json')) {
    const document = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as {
      name: string;
    };
    registry.overrides.set(document.name, document);
  }
}
