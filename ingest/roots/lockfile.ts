/** What every lockfile reader returns: the project, the exact packages, and who requires whom. */
import type { PythonLock } from './python-lockfile.js';
export interface LockedPackage {
  /** Where the lockfile places it (`node_modules/a/node_modules/b`, or a reader's own id). */
  id: string;
  name: string;
  version: string;
  dev: boolean;
  optional: boolean;
}

export interface LockedEdge {
  /** The id of the dependent; '' for the project itself. */
  from: string;
  to: string;
  /** The range the dependent asked for. */
  range: string;
}

export interface Lockfile {
  format: string;
  project: { name: string | undefined; version: string | undefined };
  packages: LockedPackage[];
  edges: LockedEdge[];
  /** The PyPI part of an SBOM, when it has one. */
  python?: PythonLock;
}
