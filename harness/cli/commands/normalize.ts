import { readFileSync } from 'node:fs';
import { normalizeLines } from '../../score/normalizers.ts';
import { print } from '../terminal.ts';

/** `asr-parity normalize`: stdin normalized line by line to stdout. */
export function run(o: { mode: string }): void {
  print(normalizeLines(readFileSync(0, 'utf8'), o.mode));
}
