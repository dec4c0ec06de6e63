/**
 * Only the forge's own CI states which of its repositories ran a build: a certificate naming a
 * GitHub repository must come from GitHub Actions' issuer, a GitLab one from GitLab's; any other
 * issuer chaining to Fulcio may carry a repository name its user configured.
 */
import { describe, expect, it } from 'vitest';
import { issuerMismatch } from '../../ingest/provenance/certificate.js';

describe('the issuer behind a repository', () => {
  it("accepts each forge's own issuer", () => {
    expect(
      issuerMismatch({
        repository: 'github.com/sigstore/sigstore-js',
        issuer: 'https://token.actions.githubusercontent.com',
      }),
    ).toBeUndefined();
    expect(
      issuerMismatch({ repository: 'gitlab.com/group/project', issuer: 'https://gitlab.com' }),
    ).toBeUndefined();
  });

  it('refuses a GitHub repository vouched for by another issuer, naming both', () => {
    expect(
      issuerMismatch({
        repository: 'github.com/victim/repo',
        issuer: 'https://oidc.example-ci.dev',
      }),
    ).toBe(
      'the certificate names github.com/victim/repo, but was issued by https://oidc.example-ci.dev, not https://token.actions.githubusercontent.com',
    );
  });

  it('refuses a repository on a forge no known issuer vouches for', () => {
    expect(
      issuerMismatch({ repository: 'git.example.org/a/b', issuer: 'https://git.example.org' }),
    ).toBe(
      'the certificate names a repository on git.example.org, whose builds no known issuer vouches for',
    );
  });
});
