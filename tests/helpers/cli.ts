/**
 * Runs the built `trustmap` command as a user would: its own process, a clean environment. Git may
 * use only local (file) transports, whatever the test says, and GitHub, OSV and PyPI default to a
 * closed loopback port: this machine may send traffic to loopback only.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';

export const CLI = path.resolve('dist/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment the command runs in: ours on top of `env`. */
function cliEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    TRUSTMAP_LOG_LEVEL: 'warn',
    // A test that sets GITHUB_TOKEN without its own API server reaches nothing but loopback.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    OSV_URL: 'http://127.0.0.1:9',
    PYPI_URL: 'http://127.0.0.1:9',
    ...env,
    GIT_ALLOW_PROTOCOL: 'file',
  };
}

export async function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      cwd,
      env: cliEnv(env),
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * The command started with its stdout and stderr as pipes the test reads, and may close. It is
 * killed after `timeoutMs` (0: never, for a bench's server).
 */
export function spawnCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  { timeoutMs = 120_000 }: { timeoutMs?: number } = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
}

export interface ServedCli {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Stops the server (SIGTERM) and gives its exit code. */
  stop: () => Promise<number | null>;
}

/**
 * `trustmap serve --port 0` on loopback, once it says where it listens (within a minute). Its
 * stderr is passed through, so a failure says why.
 */
export async function serveCli(
  cwd: string,
  env: Record<string, string> = {},
  options: { timeoutMs?: number } = {},
): Promise<ServedCli> {
  const server = spawnCli(['serve', '--port', '0'], cwd, env, options);
  server.stderr.pipe(process.stderr);
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  const stop = async (): Promise<number | null> => {
    server.kill('SIGTERM');
    return exited;
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('trustmap serve did not listen within 60 s'));
      }, 60_000);
      server.once('error', reject);
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const found = / on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (found?.[1] === undefined) return;
        clearTimeout(timer);
        resolve(found[1]);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`trustmap serve exited (${String(code)}) before listening: ${out}`));
      });
    });
    return { base, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
