/**
 * `trustmap check --sarif`: the findings as a SARIF 2.1.0 log, each located in the lockfile where
 * its package appears (the line a code-scanning view annotates), with the package URL as its
 * logical location. An accepted finding is a `note` with an external, accepted suppression that
 * carries the exception's reason, owner and expiry.
 */
import { createHash } from 'node:crypto';
import type { CheckResult, Finding } from './evaluate.js';
import type { LockfileLines } from './lockfile-lines.js';
import { RULE_IDS, type RuleId } from './policy.js';

export const RULE_TEXT: Record<RuleId, string> = {
  flag: 'A release changes its package record the way incidents do (a change flag)',
  trust: 'Trust below the policy threshold',
  advisory: 'A published advisory covers the version',
  malicious: 'The version is known malicious',
  'install-script': 'The version runs a script at install',
  provenance: 'Provenance required, or dropped since the release before',
  'new-publisher': 'Published by an account that had not published the package before',
  'bus-factor': 'Few people can publish a package many depend on',
  licence: 'A licence the policy refuses',
};

/** Where one root's findings are located: its file (relative to the repository) and its lines. */
export interface RootArtifact {
  uri: string;
  lines: LockfileLines | undefined;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function result(finding: Finding, artifact: RootArtifact | undefined): Json {
  const line = artifact?.lines?.find(finding.name, finding.version);
  const physical: Json[] =
    artifact === undefined
      ? []
      : [
          {
            physicalLocation: {
              artifactLocation: { uri: artifact.uri },
              ...(line === undefined ? {} : { region: { startLine: line } }),
            },
          },
        ];
  const logical = { logicalLocations: [{ fullyQualifiedName: finding.key, kind: 'package' }] };
  const locations: Json[] =
    physical.length === 0 ? [logical] : [{ ...(physical[0] as Record<string, Json>), ...logical }];
  const expired = finding.expired;
  const text = `${finding.name}@${finding.version}: ${finding.message}${
    expired === undefined
      ? ''
      : ` (its exception expired on ${expired.expires}: ${expired.reason}, owner ${expired.owner})`
  }`;
  const accepted = finding.accepted;
  return {
    ruleId: finding.rule,
    ruleIndex: RULE_IDS.indexOf(finding.rule),
    level: accepted === undefined ? 'error' : 'note',
    message: { text },
    locations,
    partialFingerprints: {
      'trustmapFinding/v1': createHash('sha256')
        // Numbers (a trust value, an age in days) left out: rescoring does not churn the alert.
        .update(`${finding.rule}\n${finding.key}\n${finding.message.replace(/\d+(\.\d+)?/g, '#')}`)
        .digest('hex'),
    },
    ...(accepted === undefined
      ? {}
      : {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${accepted.reason} (owner ${accepted.owner}, until ${accepted.expires})`,
            },
          ],
        }),
  };
}

export function toSarif(
  results: readonly CheckResult[],
  artifacts: ReadonlyMap<string, RootArtifact>,
  version: string,
): Json {
  const uris = [...new Set([...artifacts.values()].map((a) => a.uri))];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'trustmap',
            version,
            rules: RULE_IDS.map((id) => ({
              id,
              shortDescription: { text: RULE_TEXT[id] },
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        artifacts: uris.map((uri) => ({ location: { uri } })),
        results: results.flatMap((r) => r.findings.map((f) => result(f, artifacts.get(r.root)))),
      },
    ],
  };
}
