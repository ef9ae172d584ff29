import { writeStarterConfig, type StarterOptions } from '../../config/starter-config.ts';
import { print } from '../terminal.ts';

/** `asr-parity init`: the starter config (harness/config/starter-config.ts), and what to run next. */
export function run(o: StarterOptions): void {
  print(`wrote ${writeStarterConfig(o)}: edit the models and backends, then run \`asr-parity --config ${o.output} backends\``);
}
