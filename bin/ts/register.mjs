// `node --import <this file> x.ts`: runs TypeScript modules from their cached JavaScript build
// (bin/ts/compile.mjs). Used by bin/asr-parity.mjs and by the isolated backend processes.
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url));
