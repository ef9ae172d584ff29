#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader: no build step between `npm install` and use.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
