/** Progress of a long run on stderr: a bar on a terminal, a plain line every few seconds otherwise. */
import cliProgress from 'cli-progress';
import type { Progress } from '../ingest/run-ingest.js';

export interface ProgressDisplay {
  update(progress: Progress): void;
  stop(): void;
}

export function progressDisplay(stream: NodeJS.WriteStream, quiet: boolean): ProgressDisplay {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          'ingest [{bar}] {value}/{total} jobs | fetched {fetched} | queued {queued} | written {written} | {rate}/s | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0, { fetched: 0, queued: 0, written: 0, rate: 0 });
    let done = 0;
    return {
      update(progress) {
        done++;
        const rate = Math.round(progress.fetched / Math.max(progress.elapsedMs / 1000, 0.001));
        bar.setTotal(done + progress.queued);
        bar.update(done, {
          fetched: progress.fetched,
          queued: progress.queued,
          written: progress.written,
          rate,
        });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let last = 0;
  let latest: Progress | undefined;
  const line = (p: Progress): string =>
    `ingest: ${p.fetched} fetched, ${p.queued} queued, ${p.resolved} versions resolved, ${p.written} rows written, ${p.failures} failures, ${(p.elapsedMs / 1000).toFixed(1)} s\n`;
  return {
    update(progress) {
      latest = progress;
      if (progress.elapsedMs - last >= 2000) {
        last = progress.elapsedMs;
        stream.write(line(progress));
      }
    },
    stop() {
      if (latest !== undefined) stream.write(line(latest));
    },
  };
}

/** Progress of a count of items (`repositories 12/60`): a bar on a terminal, else a line every 5 s. */
export function countDisplay(
  stream: NodeJS.WriteStream,
  quiet: boolean,
  label: string,
): { update(done: number, total: number): void; stop(): void } {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted}`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total, done);
        started = true;
        bar.setTotal(total);
        bar.update(done);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const started = performance.now();
  let last = 0;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - last < 5000 && done < total) return;
      last = now;
      stream.write(`${label}: ${done}/${total} (${((now - started) / 1000).toFixed(1)} s)\n`);
    },
    stop: () => undefined,
  };
}
