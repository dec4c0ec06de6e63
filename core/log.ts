/** The library logger: structured JSON on stderr, so stdout stays free for `--json` output. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export function createLogger(level: LogLevel, name = 'trustmap'): Logger {
  return pino({ name, level }, pino.destination(2));
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
