/** The configuration and the store as commands get them: loaded per command, opened at most once. */
import { loadConfig, type Config } from '../core/config.js';
import { openStore } from '../graph/open-store.js';
import type { GraphStore } from '../graph/store.js';
import { createLogger } from '../core/log.js';
import type { StoreSource } from '../pipeline/stage-types.js';
import type { CliIo } from './io.js';

export interface CommandContext {
  io: CliIo;
  config: () => Config;
  /** Opens the store, runs `work` and closes the store, whatever `work` does. */
  withStore: <T>(work: (store: GraphStore, config: Config) => Promise<T>) => Promise<T>;
  /** Runs `work` with a store opened on its first use (never when unused), closed after. */
  withStoreSource: <T>(work: (store: StoreSource, config: Config) => Promise<T>) => Promise<T>;
}

export function commandContext(io: CliIo): CommandContext {
  const config = (): Config => loadConfig(io.env, io.cwd);
  const withStoreSource = async <T>(
    work: (store: StoreSource, config: Config) => Promise<T>,
  ): Promise<T> => {
    const settings = config();
    let opened: Promise<GraphStore> | undefined;
    const source: StoreSource = {
      get: () => (opened ??= openStore(settings, createLogger(settings.logLevel))),
    };
    try {
      return await work(source, settings);
    } finally {
      if (opened !== undefined)
        await opened.then(
          (store) => store.close(),
          () => undefined,
        );
    }
  };
  return {
    io,
    config,
    withStoreSource,
    withStore: (work) =>
      withStoreSource(async (source, settings) => work(await source.get(), settings)),
  };
}
