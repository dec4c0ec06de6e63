/**
 * The query host: a process of its own for users' ad-hoc queries on the embedded store. It opens a
 * read-only copy of the database (a snapshot written by ./host.ts), so it cannot change the graph
 * or its schema, and it is started with an empty environment, so a query has no secret to find.
 * Each query, which has already passed Neo4j's parser (graph/read-only-guard.ts), is
 *  - planned by Grafeo (`EXPLAIN`) and refused unless every operator only reads (./query-plan.ts),
 *  - run in a transaction that is always rolled back, and refused if its counters show a write,
 *  - followed by a check that the schema (indexes, constraints) is what it was.
 * The host watches its own memory and exits, saying so, when a query grows it past its limit; the
 * parent kills it when a query runs past its time limit. Neither query is ever sent again.
 *
 * Started as `node query-host.js <snapshot path> <memory limit MiB> <schema statements JSON>`
 * with an IPC channel.
 */
import grafeo from '@grafeo-db/js';
import { openError } from './grafeo-errors.js';
import { serialize } from './host-shared.js';
import {
  TOO_LARGE_EXIT_CODE,
  type FromHost,
  type SchemaStatements,
  type ToQueryHost,
} from './protocol.js';
import { runUserQuery, SchemaChangedError, schemaOf } from './user-query.js';

const { GrafeoDB } = grafeo;
type Database = InstanceType<typeof GrafeoDB>;

const MIB = 1024 * 1024;
/** How often the host looks at its own memory while a query runs. */
const MEMORY_CHECK_MS = 20;

function send(message: FromHost): void {
  process.send?.(message);
}

function main(): void {
  const [file, memory, schemaJson] = process.argv.slice(2);
  const limitMb = Number(memory);
  if (file === undefined || !(limitMb > 0) || schemaJson === undefined || !process.send) {
    process.stderr.write(
      'usage: query-host.js <snapshot path> <memory limit MiB> <schema statements JSON>, with an IPC channel\n',
    );
    process.exit(2);
  }
  const schema = JSON.parse(schemaJson) as SchemaStatements;
  let db: Database;
  try {
    db = GrafeoDB.openReadOnly(file);
  } catch (error) {
    send({ type: 'fatal', error: serialize(openError(file, error)) });
    process.disconnect();
    return;
  }

  // Memory: the growth of this process's resident size since the queries running now began.
  let running = 0;
  let baseline = process.memoryUsage.rss();
  const watchdog = setInterval(() => {
    if (running === 0) return;
    const rss = process.memoryUsage.rss();
    if (rss - baseline > limitMb * MIB) {
      clearInterval(watchdog);
      // Exit as soon as the parent has the message (the event loop is free: the query runs on
      // Grafeo's thread, and keeps allocating meanwhile); the exit code says it too.
      process.send?.({ type: 'too-large', rssMb: Math.round(rss / MIB) } satisfies FromHost, () => {
        process.exit(TOO_LARGE_EXIT_CODE);
      });
      setTimeout(() => process.exit(TOO_LARGE_EXIT_CODE), 100);
    }
  }, MEMORY_CHECK_MS);

  void schemaOf(db, schema).then(
    (schemaBefore) => {
      process.on('message', (message: ToQueryHost) => {
        if ('close' in message) {
          clearInterval(watchdog);
          db.close();
          process.disconnect();
          return;
        }
        if (running === 0) baseline = process.memoryUsage.rss();
        running++;
        runUserQuery(db, message.request, schema, schemaBefore)
          .then(
            (value) => {
              send({ type: 'result', id: message.id, value });
            },
            (error: unknown) => {
              send({
                type: 'error',
                id: message.id,
                error: serialize(error),
                ...(error instanceof SchemaChangedError ? { discard: true } : {}),
              });
            },
          )
          .finally(() => {
            running--;
          });
      });
      send({ type: 'ready' });
    },
    (error: unknown) => {
      send({ type: 'fatal', error: serialize(openError(file, error)) });
      process.disconnect();
    },
  );
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => {
    process.exit(0);
  });
}

main();
