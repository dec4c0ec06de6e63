/**
 * `trustmap worker`: BullMQ ingest jobs processed into the configured store until a signal. A thin
 * shell: options, the store, the worker (ingest/queue/distributed.ts does the jobs), the CLI's one
 * signal helper, and what it prints.
 */
import { Option, type Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_QUEUE, startIngestWorker } from '../ingest/queue/distributed.js';
import { createLogger } from '../core/log.js';
import type { CommandContext } from './context.js';
import { positiveInt } from './io.js';
import { untilSignal } from './signals.js';

export function addWorkerCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('worker')
    .description(
      'process ingest jobs queued on BullMQ at REDIS_URL, writing to the configured store',
    )
    .addOption(
      new Option(
        '--concurrency <n>',
        'jobs and registry requests at once (default: TRUSTMAP_FETCH_CONCURRENCY)',
      ).argParser(positiveInt),
    )
    .option('--queue <name>', 'BullMQ queue name', DEFAULT_QUEUE)
    .action(async (options: { concurrency?: number; queue: string }) => {
      const settings = context.config();
      const concurrency = options.concurrency ?? settings.fetchConcurrency;
      if (settings.redisUrl === undefined)
        throw new ConfigError('REDIS_URL', 'is required for trustmap worker');
      const redisUrl = settings.redisUrl;
      const logger = createLogger(settings.logLevel);
      await context.withStore(async (store) => {
        const worker = startIngestWorker({
          redisUrl,
          queueName: options.queue,
          store,
          concurrency,
          fetchConcurrency: concurrency,
          writeBatchRows: settings.writeBatchRows,
          lockDurationMs: settings.workerLockMs,
          logger,
        });
        await worker.ready();
        io.err(
          `trustmap worker: processing ${options.queue} with ${concurrency} at once; Ctrl-C to stop\n`,
        );
        // The first signal lets running jobs finish; a second one abandons them (BullMQ re-queues them).
        await untilSignal((signal, count) => {
          io.err(
            `trustmap worker: ${signal}, ${count > 1 ? 'abandoning running jobs' : 'finishing running jobs'}\n`,
          );
          return worker.close(count > 1);
        });
      });
    });
}
