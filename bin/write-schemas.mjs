#!/usr/bin/env node
// `npm run schemas`: rewrites the published JSON Schema files (harness/cli/published-schemas.ts)
// from the TypeScript declarations the code validates with.
const { writePublishedSchemas } = await import('../harness/cli/published-schemas.ts');
for (const f of writePublishedSchemas()) process.stderr.write(`asr-parity: wrote ${f}\n`);
