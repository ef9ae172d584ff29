#!/usr/bin/env node
// Runs the TypeScript CLI from its JavaScript build in dist/ (bin/ts/): no start compiles
// TypeScript unless a source changed since the build, and then only that module, once.
import { register } from 'node:module';

// the stack traces --verbose prints name the TypeScript lines (the build keeps inline source maps)
if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
register(new URL('./ts/hooks.mjs', import.meta.url));
await import('../harness/cli/main.ts');
