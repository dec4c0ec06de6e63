/** Bare git repositories made by a test: commits by named authors on fixed dates, and tags. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Commit {
  name: string;
  email: string;
  /** ISO date of the commit. */
  date: string;
  /** A tag to put on this commit. */
  tag?: string;
}

export function git(cwd: string, args: string[], env: Record<string, string> = {}): void {
  execFileSync('git', args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', ...env },
  });
}

/** Makes `bare` (a bare repository) with these commits, through a work tree beside it. */
export function makeBareRepository(bare: string, commits: readonly Commit[]): string {
  const work = `${bare}.work`;
  fs.mkdirSync(work, { recursive: true });
  git(work, ['init', '--quiet', '--initial-branch=main']);
  for (const [i, commit] of commits.entries()) {
    fs.appendFileSync(path.join(work, 'index.js'), `// ${String(i)}\n`);
    git(work, ['add', '.']);
    git(work, ['commit', '--quiet', '-m', `change ${String(i)}`], {
      GIT_AUTHOR_NAME: commit.name,
      GIT_AUTHOR_EMAIL: commit.email,
      GIT_COMMITTER_NAME: commit.name,
      GIT_COMMITTER_EMAIL: commit.email,
      GIT_AUTHOR_DATE: commit.date,
      GIT_COMMITTER_DATE: commit.date,
    });
    if (commit.tag !== undefined) git(work, ['tag', commit.tag]);
  }
  fs.mkdirSync(path.dirname(bare), { recursive: true });
  git(path.dirname(bare), ['clone', '--quiet', '--bare', work, bare]);
  fs.rmSync(work, { recursive: true, force: true });
  return bare;
}
