/** The GitHub Action (action.yml) runs the CLI's own commands with options they have. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { buildProgram } from '../../cli/program.js';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}

const action = YAML.parse(fs.readFileSync('action.yml', 'utf8')) as {
  runs: { using: string; steps: Step[] };
};

describe('action.yml', () => {
  it('is a composite action whose trustmap commands and options exist', () => {
    expect(action.runs.using).toBe('composite');
    const program = buildProgram({ cwd: '.', out: () => undefined, err: () => undefined });
    const invoked: string[] = [];
    for (const step of action.runs.steps) {
      const run = (step.run ?? '').replace(/\\\n\s*/g, ' ');
      for (const match of run.matchAll(/main\.js" (\w+)([^\n]*)/g)) {
        const name = match[1] as string;
        const command = program.commands.find((c) => c.name() === name);
        expect(command, name).toBeDefined();
        const known = new Set(command?.options.map((o) => o.long));
        for (const option of (match[2] ?? '').matchAll(/(--[a-z][a-z-]*)/g))
          expect(known.has(option[1]), `${name} ${option[1] ?? ''}`).toBe(true);
        invoked.push(name);
      }
      // Inputs reach scripts through the environment, never pasted into them.
      expect(step.run ?? '', step.name).not.toMatch(/\$\{\{/);
    }
    expect(invoked).toEqual(['diff', 'check']);
  });
});
