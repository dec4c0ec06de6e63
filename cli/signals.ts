/**
 * The one place the CLI listens for SIGINT and SIGTERM: long-running commands (`worker`, `serve`,
 * `explore`) wait here, and are told each signal until `stop` resolves.
 */
export function untilSignal(
  onSignal: (signal: NodeJS.Signals, count: number) => Promise<void> | void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let count = 0;
    const handle = (signal: NodeJS.Signals): void => {
      count++;
      Promise.resolve(onSignal(signal, count)).then(
        () => {
          process.off('SIGINT', handle);
          process.off('SIGTERM', handle);
          resolve();
        },
        (error: unknown) => {
          process.off('SIGINT', handle);
          process.off('SIGTERM', handle);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    process.on('SIGINT', handle);
    process.on('SIGTERM', handle);
  });
}
