/** `trustmap serve`: the API and the built explorer, until SIGINT or SIGTERM. */
import { Option, type Command } from 'commander';
import type { Config } from '../core/config.js';
import type { GraphStore } from '../graph/store.js';
import { createLogger } from '../core/log.js';
import { createApp } from '../server/app.js';
import { assertSafeBinding } from '../server/auth.js';
import type { CommandContext } from './context.js';
import { loadTrustGraph } from '../trust/load.js';
import { storedScores } from '../trust/stored-scores.js';
import { checkAsOf } from './answer-output.js';
import { isoInstant, wholeNumber } from './io.js';
import { clientDir, packageVersion } from './package-info.js';
import { untilSignal } from './signals.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  asOf?: Date;
}

export const serveOptions = (command: Command): Command =>
  command
    .option('--host <host>', 'address to bind (default: TRUSTMAP_HOST)')
    .addOption(new Option('--port <port>', 'port (default: TRUSTMAP_PORT)').argParser(wholeNumber))
    .addOption(
      new Option(
        '--as-of <date>',
        'serve scores as of this instant: explore ingests and scores as of it; serve checks the stored scores are',
      ).argParser(isoInstant),
    );

/** Serves the API and the built explorer on an open store; prints the address. */
export async function serveExplorer(
  context: CommandContext,
  store: GraphStore,
  settings: Config,
  options: ServeOptions,
  root: string | undefined,
): Promise<void> {
  const { io } = context;
  const host = options.host ?? settings.host;
  const port = options.port ?? settings.port;
  assertSafeBinding(host, settings.token);
  const client = clientDir();
  const app = createApp({
    store,
    config: settings,
    answers: settings,
    logger: createLogger(settings.logLevel),
    cwd: io.cwd,
    version: packageVersion(),
    clientDir: client,
  });
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const listening = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  // People open the public address (TRUSTMAP_PUBLIC_URL, e.g. TLS in front) when one is set.
  const base = settings.publicUrl ?? listening;
  const via = settings.publicUrl === undefined ? '' : ` (listening on ${listening})`;
  if (client === undefined)
    io.out(
      `trustmap API on ${base}/api/health${via} (the explorer is not built: run npm run build)\n`,
    );
  else
    io.out(
      `trustmap explorer on ${base}/${root === undefined ? '' : `?root=${encodeURIComponent(root)}`}${via}\n`,
    );
  await untilSignal(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  );
}

export function addServeCommand(program: Command, context: CommandContext): void {
  serveOptions(
    program.command('serve').description('serve the API and the browser explorer'),
  ).action(async (options: ServeOptions) => {
    await context.withStore(async (store, settings) => {
      // Only with --as-of: reading the stored scores of a large graph takes a while.
      if (options.asOf !== undefined)
        checkAsOf(storedScores(await loadTrustGraph(store)).scoring, options.asOf);
      await serveExplorer(context, store, settings, options, undefined);
    });
  });
}
