/** An external transcriber run once per audio file, never through a shell. */
export interface CommandSpec {
  program: string;
  /** Placeholders: {audio} (the file as given), {wav16k} (a 16 kHz mono 16-bit copy), {model}, {device}, {language}, {threads}. */
  args: string[];
  /** stdout as the transcript (`lastLine`: only its last non-empty line), a JSON field (dot path, of the last JSON line), or a regex's first group. */
  output: { format: 'text'; lastLine?: boolean } | { format: 'json'; field: string } | { format: 'regex'; pattern: string };
  /** Per file; the process is killed after it. */
  timeoutMs?: number;
  /** What {device} becomes. */
  device?: string;
  cwd?: string;
  env?: Record<string, string>;
}
