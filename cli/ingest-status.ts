/** `trustmap ingest --status [runId]`: recent distributed runs, or one, with their failures. */
import { ConfigError } from '../core/errors.js';
import { redisConnection } from '../ingest/queue/distributed.js';
import { RunState } from '../ingest/queue/run-state.js';
import type { CommandContext } from './context.js';
import { cell } from './output.js';

export async function showStatus(
  context: CommandContext,
  runId: string | undefined,
  json: boolean,
): Promise<void> {
  const { io } = context;
  const settings = context.config();
  if (settings.redisUrl === undefined)
    throw new ConfigError('REDIS_URL', 'is required for --status');
  const redis = redisConnection(settings.redisUrl);
  try {
    const ids = runId === undefined ? await RunState.recent(redis) : [runId];
    const runs = [];
    const older: string[] = [];
    for (const id of ids) {
      const shape = await RunState.shape(redis, id);
      // An older trustmap's run has keys of other types under another prefix: named, not read.
      if (shape === 'older') older.push(id);
      if (shape !== 'current') continue;
      const state = new RunState(redis, id);
      const meta = await state.meta();
      if (meta === undefined) continue;
      const report = await state.report();
      runs.push({
        ...meta,
        outstanding: await state.outstanding(),
        resolved: report.resolved.length,
        failures: report.failures,
      });
    }
    if (json) {
      const olderRuns = older.map((id) => ({ runId: id, recordedBy: 'an older trustmap' }));
      io.out(JSON.stringify([...runs, ...olderRuns], null, 2) + '\n');
      return;
    }
    if (runs.length === 0 && older.length === 0)
      io.out(runId === undefined ? 'no distributed runs in the last week\n' : `no run ${runId}\n`);
    for (const run of runs) {
      const state =
        run.finishedAt === undefined
          ? `running, ${run.outstanding} jobs left`
          : `finished ${run.finishedAt}`;
      io.out(
        `${run.runId}  ${run.specs.join(' ')}  started ${run.startedAt}, ${state}, ${run.resolved} versions, ${run.failures.length} failures\n`,
      );
      for (const f of run.failures)
        io.out(`  ${cell(`${f.name}@${f.spec}`, 80)}: ${cell(f.reason, 200)} [${f.code}]\n`);
    }
    for (const id of older) io.out(`${id}  recorded by an older trustmap: not shown\n`);
  } finally {
    redis.disconnect();
  }
}
