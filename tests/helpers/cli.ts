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

/** The command started with its stdout and stderr as pipes the test reads, and may close. */
export function spawnCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
}
