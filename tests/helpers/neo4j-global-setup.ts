/**
 * vitest globalSetup: builds the Neo4j launcher once for the whole run (tests/helpers/neo4j.ts),
 * before the test files start in parallel, and hands the result to them through `provide`. Then
 * starts the run's one Neo4j without waiting for it: it comes up while the first files run, and
 * writes where it listens (or why it could not start) into a directory of this run, which the
 * files that use it read. Stopped, and the directory deleted, when the run ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  SHARED_FAILED,
  SHARED_READY,
  buildNeo4jLauncher,
  startNeo4j,
  type Neo4jServer,
} from './neo4j.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const launcher = await buildNeo4jLauncher();
  if (launcher.kind === 'built' && launcher.buildMs > 1000)
    console.info(`Neo4j test launcher built in ${launcher.buildMs} ms`);
  project.provide('neo4jLauncher', launcher);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-neo4j-run-'));
  project.provide('neo4jShared', dir);
  if (launcher.kind !== 'built')
    return () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    };
  const write = (name: string, text: string) => {
    // Written whole, then renamed: a file never reads half of it.
    fs.writeFileSync(path.join(dir, `${name}.part`), text, { mode: 0o600 });
    fs.renameSync(path.join(dir, `${name}.part`), path.join(dir, name));
  };
  const server: Promise<Neo4jServer | undefined> = startNeo4j(launcher).then(
    (started) => {
      write(SHARED_READY, JSON.stringify({ config: started.config, version: started.version }));
      console.info(
        `Neo4j ${started.version} for this run at ${started.config.uri}, up in ${started.startMs} ms`,
      );
      return started;
    },
    (error: unknown) => {
      write(SHARED_FAILED, `Neo4j could not start: ${String(error)}`);
      return undefined;
    },
  );
  return async () => {
    await (await server)?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
