/**
 * What verifying a version proved, in words, from its stored properties (issue 17): the
 * explorer's details and `trustmap explain` say the same. Registry text is quoted as given; the
 * caller sets it as text.
 */

type Props = Readonly<Record<string, unknown>>;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The CI an OIDC issuer stands for, in words; the issuer itself when it is not a known one. */
export function issuerName(issuer: string | undefined): string | undefined {
  if (issuer === undefined) return undefined;
  if (issuer === 'https://token.actions.githubusercontent.com') return 'GitHub Actions';
  if (issuer === 'https://gitlab.com') return 'GitLab CI/CD';
  return issuer;
}

/** `.github/workflows/release.yml@refs/tags/v1` -> `release.yml`. */
function workflowName(workflow: string): string {
  const path = workflow.split('@')[0] ?? workflow;
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/** The build a verified attestation proves: "built from ... at commit ..., by ... workflow ...". */
export function provenanceSentence(p: Props): string | undefined {
  const source = str(p.provenanceSource);
  // A graph stored before verification existed holds `provenance: true` for a named attestation.
  if (p.provenance !== true || source === undefined) return undefined;
  const commit = str(p.provenanceCommit);
  const workflow = str(p.provenanceWorkflow);
  const by = issuerName(str(p.provenanceIssuer));
  const parts = [`built from ${source}${commit === undefined ? '' : ` at commit ${commit}`}`];
  if (workflow !== undefined)
    parts.push(`by ${by === undefined ? '' : `${by} `}workflow ${workflowName(workflow)}`);
  else if (by !== undefined) parts.push(`by ${by}`);
  return parts.join(', ');
}

/** Each verification fact of a version as one sentence: provenance, then the registry's signature. */
export function verificationWords(p: Props): string[] {
  const words: string[] = [];
  const built = provenanceSentence(p);
  if (built !== undefined) {
    const log = str(p.provenanceLogUrl);
    words.push(
      `provenance verified: ${built}${log === undefined ? '' : ` (transparency log: ${log})`}`,
    );
  } else if (p.attested === true) {
    const unknown = str(p.provenanceUnknown);
    words.push(
      p.provenance === false
        ? `provenance named but not verified: ${str(p.provenanceReason) ?? 'no reason given'}`
        : `provenance named, not checked${unknown === undefined ? '' : ` (${unknown})`}`,
    );
  }
  if (p.signed === true)
    words.push(`registry signature verified (key ${str(p.signedKeyid) ?? 'unnamed'})`);
  else if (str(p.signedReason) !== undefined)
    words.push(`registry signature does not verify: ${str(p.signedReason) ?? ''}`);
  return words;
}
