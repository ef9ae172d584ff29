import type { Config } from '../../config/load-config.ts';
import { backendRows } from '../../run/list-backends.ts';
import { print } from '../terminal.ts';

/** `asr-parity backends`: each backend, whether it can run here and why not (harness/run/list-backends.ts). */
export async function run(o: { json?: boolean }, config: Config): Promise<void> {
  const rows = await backendRows(config);
  if (o.json) return print(JSON.stringify(rows, null, 2));
  const width = Math.max(13, ...rows.map((r) => r.name.length));
  for (const r of rows) {
    const role = r.role ? ` [${r.role}${r.role === 'device' ? (r.required ? ', required' : ', optional') : ''}]` : '';
    print(`${r.name.padEnd(width)} ${r.ok ? 'available  ' : 'unavailable'}  ${r.device}/${r.precision}${role}  ${r.description}`);
    if (!r.ok) print(`    why not: ${r.reason}`);
    else for (const [k, v] of Object.entries(r.details ?? {})) print(`    ${k}: ${v}`);
  }
}
