/** Writes schemas/trustmap.policy.schema.json from the policy's schema (gate/policy.ts). */
import fs from 'node:fs';
import { policyJsonSchema } from '../gate/policy.js';

fs.writeFileSync(
  'schemas/trustmap.policy.schema.json',
  `${JSON.stringify(policyJsonSchema(), null, 2)}\n`,
);
