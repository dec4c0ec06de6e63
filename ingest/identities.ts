/**
 * Identities across ecosystems, linked with `SAME_AS {evidence, confidence}` from the smaller key
 * to the larger, never merged: each identity keeps its own node and edges, and the link says why.
 *
 * - `email` (0.9): registry identities (npm accounts, PyPI authors and maintainers) whose email
 *   hashes match: each email was given by whoever controls that account or project.
 * - `commit-email` (0.6): a git author whose email hash an identity shares. Lower: a commit's
 *   author email is whatever its author typed, so anyone whose commit was merged can claim one.
 * - `github-noreply-email` (0.6): a git author whose address is GitHub's private commit address
 *   of an account (`<id>+<login>@users.noreply.github.com`), and that account; as unverified.
 * - `login-and-repository` (0.8): a GitHub contributor to a repository, and the npm or PyPI
 *   account of the same name that maintains a package hosted at that repository. A name alone is
 *   not evidence: anyone can register a free name on another site.
 */
import { append } from '../core/collections.js';
import type { GraphStore } from '../graph/store.js';
import { KEY_PREFIX } from './identity.js';
import { GraphRecords } from './records.js';
import { BatchWriter } from './writer.js';

/** How sure each kind of evidence makes us that two identities are one person. */
export const CONFIDENCE = {
  email: 0.9,
  'commit-email': 0.6,
  'github-noreply-email': 0.6,
  'login-and-repository': 0.8,
} as const;
export type Evidence = keyof typeof CONFIDENCE;

const REGISTRY_ACCOUNT = /^person:(npm|pypi):(.+)$/;
const GITHUB_ACCOUNT = KEY_PREFIX.githubPerson;
const GIT_AUTHOR = KEY_PREFIX.gitAuthor;

export async function linkIdentities(store: GraphStore): Promise<number> {
  const byEmail = new Map<string, Set<string>>();
  const addEmail = (hash: unknown, person: string): void => {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return;
    const people = byEmail.get(hash) ?? new Set<string>();
    people.add(person);
    byEmail.set(hash, people);
  };
  const noreply: [gitPerson: string, login: string][] = [];
  const maintainersOf = new Map<string, string[]>();
  const packagesAt = new Map<string, string[]>();
  const contributions: [person: string, repository: string][] = [];
  for await (const batch of store.stream({
    labels: ['Person'],
    types: ['MAINTAINS', 'PUBLISHED', 'CONTRIBUTES_TO', 'HOSTED_AT'],
  })) {
    if (batch.kind === 'nodes') {
      for (const node of batch.nodes) {
        addEmail(node.properties.emailHash, node.key);
        const login = node.properties.githubLogin;
        if (typeof login === 'string' && node.key.startsWith(GIT_AUTHOR))
          noreply.push([node.key, login]);
      }
      continue;
    }
    for (const r of batch.relationships) {
      if (r.type === 'HOSTED_AT') append(packagesAt, r.to, r.from);
      else if (r.type === 'CONTRIBUTES_TO') {
        if (r.from.startsWith(GITHUB_ACCOUNT)) contributions.push([r.from, r.to]);
      } else {
        addEmail(r.properties.emailHash, r.from);
        if (r.type === 'MAINTAINS') append(maintainersOf, r.to, r.from);
      }
    }
  }

  const links = new Map<string, Evidence>();
  const link = (a: string, b: string, evidence: Evidence): void => {
    if (a === b) return;
    const [from, to] = a < b ? [a, b] : [b, a];
    const id = `${from}\u0000${to}`;
    const known = links.get(id);
    // One edge per pair, with the strongest evidence.
    if (known === undefined || CONFIDENCE[evidence] > CONFIDENCE[known]) links.set(id, evidence);
  };
  for (const people of byEmail.values()) {
    const keys = [...people];
    for (let i = 0; i < keys.length; i++)
      for (let j = i + 1; j < keys.length; j++) {
        const [a, b] = [keys[i] as string, keys[j] as string];
        const fromCommits = a.startsWith(GIT_AUTHOR) || b.startsWith(GIT_AUTHOR);
        link(a, b, fromCommits ? 'commit-email' : 'email');
      }
  }
  const records = new GraphRecords();
  // The account's node is made by the link if GitHub has not been read (a stub, named by its key).
  for (const [gitPerson, login] of noreply)
    link(gitPerson, `${GITHUB_ACCOUNT}${login}`, 'github-noreply-email');
  for (const [account, repository] of contributions) {
    const login = account.slice(GITHUB_ACCOUNT.length);
    for (const pkg of packagesAt.get(repository) ?? [])
      for (const maintainer of maintainersOf.get(pkg) ?? [])
        if (REGISTRY_ACCOUNT.exec(maintainer)?.[2] === login)
          link(account, maintainer, 'login-and-repository');
  }

  for (const [id, evidence] of links) {
    const [from = '', to = ''] = id.split('\u0000');
    records.relationship('SAME_AS', from, to, { evidence, confidence: CONFIDENCE[evidence] });
  }
  const writer = new BatchWriter(store);
  await writer.add(records);
  await writer.flush();
  return links.size;
}
