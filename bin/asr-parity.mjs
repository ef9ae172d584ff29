#!/usr/bin/env node
// Runs the TypeScript CLI from its bundle in dist/bundle/ when the bundle is current, else module
// by module through the JavaScript build in dist/ (bin/ts/launch.mjs): no start compiles
// TypeScript unless a source changed since the build, and no start runs code older than its source.
import { fileURLToPath } from 'node:url';
import { launch } from './ts/launch.mjs';

// the stack traces --verbose prints name the TypeScript lines (the builds keep source maps)
if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
await launch(fileURLToPath(new URL('../harness/cli/main.ts', import.meta.url)));
