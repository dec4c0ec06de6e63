/**
 * `trustmap provenance refresh-keys | update-root`: replace the npm registry keys and the Sigstore
 * trusted root that verification uses, with copies in the working folder (trustmap.npm-keys.json,
 * trustmap.trusted-root.json) that replace the ones shipped in ingest/provenance/.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../core/log.js';
import {
  LOCAL_KEYS_FILE,
  LOCAL_ROOT_FILE,
  fetchRegistryKeys,
  readTrustedRootFile,
  writeJsonFile,
} from '../ingest/provenance/local-trust.js';
import { SHIPPED_TRUSTED_ROOT } from '../ingest/provenance/trust-material.js';
import type { CommandContext } from './context.js';

export function registerProvenanceCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  const provenance = program
    .command('provenance')
    .description(
      'the trust provenance verification uses: npm registry keys, Sigstore trusted root',
    );
  provenance
    .command('refresh-keys')
    .description(`fetch the registry's signing keys (/-/npm/v1/keys) into ${LOCAL_KEYS_FILE}`)
    .option('--registry <url>', 'the registry to ask (default: the configured npm registry)')
    .option('--out <file>', `where to write them (default: ${LOCAL_KEYS_FILE} here)`)
    .action(async (options: { registry?: string; out?: string }) => {
      const config = context.config();
      const registry = options.registry ?? config.npmRegistry;
      const keys = await fetchRegistryKeys(registry, createLogger(config.logLevel));
      const file = path.resolve(io.cwd, options.out ?? LOCAL_KEYS_FILE);
      writeJsonFile(file, { keys });
      io.out(`${keys.length} registry keys from ${registry} written to ${file}\n`);
      for (const key of keys)
        io.out(
          `  ${key.keyid} ${key.keytype} ${key.expires === null ? 'current' : `expires ${key.expires}`}\n`,
        );
    });
  provenance
    .command('update-root')
    .description(`install a Sigstore trusted root as ${LOCAL_ROOT_FILE}`)
    .option('--from <file>', 'a trusted_root.json (default: the one shipped with trustmap)')
    .option('--out <file>', `where to write it (default: ${LOCAL_ROOT_FILE} here)`)
    .action((options: { from?: string; out?: string }) => {
      const root =
        options.from === undefined
          ? SHIPPED_TRUSTED_ROOT
          : readTrustedRootFile(path.resolve(io.cwd, options.from));
      const file = path.resolve(io.cwd, options.out ?? LOCAL_ROOT_FILE);
      writeJsonFile(file, root);
      io.out(
        `trusted root ${options.from === undefined ? '(shipped)' : options.from} written to ${file}\n`,
      );
    });
}
