import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadAudio } from '../harness/audio/load-audio.ts';
import { onInterrupt } from '../harness/cli/gate-terminal.ts';
import type { CaseFailure, Report } from '../harness/report/report-types.ts';
import { cliSession, fixtureAudio } from './helpers/cli-session.ts';
import { missingFromHtml } from './helpers/report-contents.ts';

/**
 * A failure costs its case, through the CLI with real processes: a Python worker (and an
 * in-tree backend run isolated in its own Node process) that crashes, answers an error or hangs
 * on case 2 of 4. Cases 1, 3 and 4 must be scored in every report format, case 2 listed as
 * failed with its structured reason, the verdict FAIL and exit 1. The same run with a worker that
 * behaves passes, so each FAIL here is the failed case and nothing else.
 */
const ROOT = resolve(import.meta.dirname, '..');
const { tmp, cli, config } = cliSession('asr-parity-case-failures-');
const FILES = ['passage-01.wav', 'passage-02.wav', 'passage-03.wav', 'passage-04.wav'];
const lengths = await Promise.all(FILES.map(async (f) => (await loadAudio(fixtureAudio(f))).samples.length));
// the worker knows case 2 by its length: the four must differ
const CASE_2 = lengths[1]!;
const manifest = join(tmp, 'cases.jsonl');
writeFileSync(manifest, FILES.map((f, i) => JSON.stringify({ id: `case-${i + 1}`, audio: fixtureAudio(f) })).join('\n'));

/** A worker that "transcribes" a clip as its length, and on the clip of `argv[2]` samples misbehaves as `argv[1]` says. */
const WORKER = join(tmp, 'worker.py');
writeFileSync(
  WORKER,
  `import base64, json, os, sys, time
mode, bad = sys.argv[1], int(sys.argv[2])
calls = 0
def send(m): print(json.dumps(m), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    if op == "hello": send({"id": req["id"], "ok": True, "value": {"protocol": 1, "engine": "length"}})
    elif op == "load":
        if mode == "load-stall":
            # a load that takes its time (a large model onto a device): its pid for the test to end it
            with open(sys.argv[3], "w") as f: f.write(str(os.getpid()))
            time.sleep(600)
        send({"id": req["id"], "ok": True, "value": {"loadMs": 0, "description": {"engine": "length", "mode": mode}, "capabilities": []}})
    elif op == "transcribe":
        n = len(base64.b64decode(req["audio"]["samples"])) // 4
        if n == bad and mode == "crash":
            print("length worker: unsupported operator on this clip", file=sys.stderr, flush=True)
            sys.exit(7)
        if (n == bad and mode == "error") or mode == "error-all":
            send({"id": req["id"], "ok": False, "error": {"code": "INFERENCE", "input": "clip", "problem": "unsupported operator on this clip"}})
            continue
        if n == bad and mode == "hang": time.sleep(600)
        if n == bad and mode == "stall":
            # says it is stuck (its pid, for the test to end it) and stays stuck: the user's Ctrl-C is what ends the run
            with open(sys.argv[3], "w") as f: f.write(str(os.getpid()))
            time.sleep(600)
        calls += 1
        # perf-crash: the untimed reference (two calls, a process of its own) passes; the timed measurement, another process, dies on its third call
        if mode == "perf-crash" and calls == 3:
            print("length worker: died under timing", file=sys.stderr, flush=True)
            sys.exit(5)
        send({"id": req["id"], "ok": True, "value": {"text": f"a clip of {n} samples", "timings": {"totalMs": 1}}})
    elif op == "dispose":
        send({"id": req["id"], "ok": True, "value": None})
        break
`,
);

/** The in-tree path: a backend module hosted by harness/isolate/backend-worker.ts, which exits on case 2 (as a native abort would end it). */
mkdirSync(join(tmp, 'backends'));
writeFileSync(
  join(tmp, 'backends', 'exits-on-one.mjs'),
  `export default {
  name: 'exits-on-one', description: 'exits on one clip', device: 'cpu', precision: 'n/a', capabilities: [],
  config: { fields: { bad: { type: 'integer' } } },
  async available() { return { ok: true }; },
  async load(o = {}) {
    return { loadMs: 0, describe: () => ({ backend: 'exits-on-one' }), dispose() {},
      async transcribe(audio) { if (audio.samples.length === o.bad) process.exit(9); return { text: 'a clip of ' + audio.samples.length + ' samples', timings: { totalMs: 1 } }; } };
  },
};
`,
);

/** An in-tree backend whose load takes ten minutes (a large model onto a device), run isolated: its process writes its pid where `marker` says. */
writeFileSync(
  join(tmp, 'backends', 'stalls-loading.mjs'),
  `import { writeFileSync } from 'node:fs';
export default {
  name: 'stalls-loading', description: 'a load that takes its time', device: 'cpu', precision: 'n/a', capabilities: [],
  config: { fields: { marker: { type: 'string' } } },
  async available() { return { ok: true }; },
  async load(o = {}) {
    writeFileSync(o.marker, String(process.pid));
    await new Promise((r) => setTimeout(r, 600000));
    return { loadMs: 0, describe: () => ({ backend: 'stalls-loading' }), dispose() {}, async transcribe() { return { text: '', timings: { totalMs: 1 } }; } };
  },
};
`,
);

const PY = '/usr/bin/python3';
const worker = (name: string, mode: string, callTimeoutMs: number) => ({ name, backend: 'worker', command: [PY, WORKER, mode, String(CASE_2)], worker: { callTimeoutMs, loadTimeoutMs: 120_000 } });

async function gate(name: string, device: Record<string, unknown>) {
  const cfg = config(`${name}.json`, {
    baseline: worker('reference', 'ok', 120_000),
    backends: [device],
    backendPaths: ['backends'],
    // the observed values decide: four cases are too few for the confidence bounds, and the point is the failed case
    thresholds: { evidence: 'point' },
    isolation: { enabled: true, callTimeoutMs: 120_000, loadTimeoutMs: 120_000 },
  });
  const out = (ext: string) => join(tmp, `${name}.${ext}`);
  const r = await cli('eval-accuracy', '--config', cfg, '--manifest', manifest, '--output', out('json'), '--markdown', out('md'), '--html', out('html'), '--csv', out('csv'), '--junit', out('xml'));
  const read = (ext: string) => readFileSync(out(ext), 'utf8');
  return { r, report: JSON.parse(read('json')) as Report, md: read('md'), html: read('html'), csv: read('csv'), junit: read('xml') };
}

/** The text as a reader sees it: HTML and XML entities (handlebars, xmlbuilder2) and CSV's doubled quotes decoded. */
const ENTITIES: Record<string, string> = { '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&apos;': "'", '&#x3D;': '=', '&#x60;': '`', '&lt;': '<', '&gt;': '>', '&amp;': '&' };
const plain = (s: string) => s.replace(/&(quot|#x27|#39|apos|#x3D|#x60|lt|gt|amp);/g, (e) => ENTITIES[e]!).replace(/""/g, '"');

/** Cases 1, 3 and 4 scored in every format, case 2 failed with its reason in every format, FAIL, exit 1. */
async function expectCase2Lost(name: string, device: Record<string, unknown>, kind: CaseFailure['kind'], message: RegExp) {
  const { r, report, md, html, csv, junit } = await gate(name, device);
  expect(r.exitCode, r.stderr).toBe(1);
  expect(report.verdict).toBe('fail');
  const port = report.backends.find((b) => b.name === 'port')!;
  expect(port.status, port.reason).toBe('ran');
  const failed = { kind, backend: 'port', case: 'case-2', audio: fixtureAudio(FILES[1]!) };
  expect(port.failedCases).toEqual([expect.objectContaining(failed)]);
  expect(port.failedCases![0]!.message).toMatch(message);
  const a = port.accuracy!;
  // the figures are over the three cases both sides finished, each transcript the baseline's too
  expect(a.cases.map((c) => c.id)).toEqual(['case-1', 'case-3', 'case-4']);
  expect(a.cases.map((c) => c.baselineText)).toEqual([0, 2, 3].map((i) => `a clip of ${lengths[i]} samples`));
  expect(a.corpus.utterances).toBe(3);
  expect(a.casesLeftOut).toEqual(port.failedCases);
  expect(report.verdictReasons.map((r) => r.message).join('\n')).toMatch(/1 case\(s\) not compared.*case-2 \(port: /);
  expect(r.stdout).toMatch(new RegExp(`port: FAILED on case case-2 \\(${kind}\\)`));
  // every other format: the three scored cases and the failed one, with how it failed
  for (const [format, text] of Object.entries({ md, html, csv, junit })) {
    for (const id of ['case-1', 'case-3', 'case-4']) expect(text, `${format} lacks ${id}`).toContain(id);
    expect(text, `${format} lacks the failed case`).toContain('case-2');
    expect(plain(text), `${format} lacks the failure's reason`).toMatch(message);
  }
  expect(md).toMatch(new RegExp(`\\| port \\| case-2 \\| [^|]+ \\| ${kind} \\|`));
  expect(html).toMatch(new RegExp(`<td>port</td><td>case-2</td><td>[^<]+</td><td>${kind}</td>`));
  expect(csv).toMatch(new RegExp(`^port,case-2,.*,false,.*,${kind},port,`, 'm'));
  expect(junit).toMatch(new RegExp(`<testcase [^>]*name="case-2"[^>]*>\\s*<error [^>]*type="${kind}"`));
  // the HTML holds everything the Markdown does, the failed case's row included
  expect(missingFromHtml(md, html)).toEqual([]);
  return report;
}

describe.concurrent('a backend that fails on one case loses that case only', () => {
  it('(control) the same run with a worker that behaves passes: the FAILs below are the failed case', async () => {
    expect(new Set(lengths).size, 'the four clips must differ in length').toBe(4);
    const { r, report } = await gate('control', worker('port', 'fine', 120_000));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(report.backends.find((b) => b.name === 'port')!.accuracy!.cases).toHaveLength(4);
  });

  it('a worker that crashes on case 2 of 4 is started again; cases 1, 3, 4 are scored in every format', async () => {
    const report = await expectCase2Lost('crash', worker('port', 'crash', 120_000), 'crash', /backend process died \(exit code 7\) during transcribe; last stderr: length worker: unsupported operator on this clip/);
    expect(report.backends.find((b) => b.name === 'port')!.environment).toMatchObject({ restarts: 1 });
  });

  it('a worker that answers ok:false on case 2 goes on without a restart', async () => {
    const report = await expectCase2Lost('error', worker('port', 'error', 120_000), 'error', /unsupported operator on this clip/);
    expect(report.backends.find((b) => b.name === 'port')!.environment).not.toHaveProperty('restarts');
  });

  it('a worker that hangs on case 2 is killed past its call timeout, which the message names, and started again', async () => {
    // 10 s: far beyond what a length count takes on a loaded machine, far short of the hang
    await expectCase2Lost('hang', worker('port', 'hang', 10_000), 'timeout', /transcribe took longer than 10000 ms; the backend process was killed \(raise the entry's "worker": \{"callTimeoutMs"\}/);
  });

  it('an isolated in-tree backend whose process exits on case 2 is started again the same way', async () => {
    await expectCase2Lost('isolated', { name: 'port', backend: 'exits-on-one', bad: CASE_2 }, 'crash', /backend process died \(exit code 9\) during transcribe/);
  });

  it("a device that fails on every case fails as a whole, and the baseline's transcripts are still in every format", async () => {
    const { r, report, md, html, csv, junit } = await gate('error-all', worker('port', 'error-all', 120_000));
    expect(r.exitCode, r.stderr).toBe(1);
    const port = report.backends.find((b) => b.name === 'port')!;
    expect(port.status).toBe('failed');
    expect(port.reason).toMatch(/^failed on every case \(4\)/);
    expect(port.failedCases!.map((f) => [f.case, f.kind])).toEqual(FILES.map((_, i) => [`case-${i + 1}`, 'error']));
    // what the baseline heard on each case: computed, so reported, though no device could be compared on it
    const heard = lengths.map((n) => `a clip of ${n} samples`);
    for (const [format, text] of Object.entries({ md, html, csv })) for (const t of heard) expect(text, `${format} lacks the baseline's "${t}"`).toContain(t);
    expect(report.backends.find((b) => b.role === 'baseline')!.transcripts?.map((t) => [t.case, t.text])).toEqual(heard.map((t, i) => [`case-${i + 1}`, t]));
    expect(md).toMatch(/## Baseline transcripts not compared\n[^]*\| case-1 \| [^|]+ \| no reference text \| a clip of \d+ samples \|/);
    expect(md).toContain('No device backend was compared with the baseline (see Backends and Failed cases; the baseline\'s transcripts are above).');
    // no table without rows: the summary has no check any device finished
    expect(md).not.toContain('## Summary');
    expect(csv).toMatch(new RegExp(`^port,case-1,${fixtureAudio(FILES[0]!)},.*,"?${heard[0]}"?,.*,error,port,`, 'm'));
    expect(missingFromHtml(md, html)).toEqual([]);
    // JUnit: each case an error of its own, as when the device finished some
    for (const [i, f] of FILES.entries()) expect(junit).toMatch(new RegExp(`<testcase [^>]*name="case-${i + 1}" file="${fixtureAudio(f)}"[^>]*>\\s*<error [^>]*type="error"`));
  });

  it('a backend that cannot be started again (maxRestarts 0) fails as a whole, its failed and untried cases named', async () => {
    const cfg = config('no-restarts.json', { baseline: worker('reference', 'ok', 120_000), backends: [worker('port', 'crash', 120_000)], thresholds: { evidence: 'point' }, maxRestarts: 0 });
    const out = join(tmp, 'no-restarts.json.out');
    const r = await cli('eval-accuracy', '--config', cfg, '--manifest', manifest, '--output', out);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    const port = report.backends.find((b) => b.name === 'port')!;
    expect(port.status).toBe('failed');
    expect(port.reason).toMatch(/failed on 1 case\(s\), then could not be started again: .*already started again 0 time\(s\), the run's limit \(raise "maxRestarts"/);
    expect(port.failedCases!.map((f) => [f.case, f.kind])).toEqual([['case-2', 'crash'], ['case-3', 'not-run'], ['case-4', 'not-run']]);
  });

  it('a backend that fails while its performance is measured is in the report as failed, and the verdict fails (issue 24, gate-run.ts performance check)', async () => {
    const cfg = config('perf.json', {
      baseline: worker('reference', 'ok', 120_000),
      backends: [worker('port', 'perf-crash', 120_000), worker('steady', 'fine', 120_000)],
      performance: { audioSeconds: 2, shortAudioSeconds: 1 },
    });
    const out = join(tmp, 'perf-out.json');
    const r = await cli('eval-perf', '--config', cfg, '--num-runs', '5', '--output', out);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    // the other device was measured: without the failed one's entry the verdict would be PASS
    expect(report.backends.find((b) => b.name === 'steady')?.performance, 'steady was measured').toBeDefined();
    const port = report.backends.find((b) => b.name === 'port');
    expect(port, 'the backend that failed under timing is missing from the report').toBeDefined();
    expect(port!.status).toBe('failed');
    expect(port!.reason).toMatch(/failed while measuring performance: .*backend process died \(exit code 5\).*died under timing/);
    expect(report.verdict).toBe('fail');
    expect(r.exitCode, r.stderr).toBe(1);
    expect(report.verdictReasons.map((r) => r.message).join('\n')).toMatch(/port \(required\) failed: failed while measuring performance/);
  });

  it('Ctrl-C (a real SIGINT to the CLI) writes what finished in every format, marked INTERRUPTED, says where, exit 130', async () => {
    const marker = join(tmp, 'stalled.pid');
    const cfg = config('interrupt.json', {
      baseline: worker('reference', 'ok', 600_000),
      // stuck on case 3 until the signal: cases 1 and 2 are done by then
      backends: [{ ...worker('port', 'stall', 600_000), command: [PY, WORKER, 'stall', String(lengths[2]), marker] }],
      thresholds: { evidence: 'point' },
    });
    const out = (ext: string) => join(tmp, `interrupt.${ext}`);
    const child = cli('eval-accuracy', '--config', cfg, '--manifest', manifest, '--output', out('json'), '--markdown', out('md'), '--csv', out('csv'), '--junit', out('xml'));
    while (!existsSync(marker) || !readFileSync(marker, 'utf8')) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    const r = await child;
    try {
      process.kill(Number(readFileSync(marker, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/asr-parity: SIGINT: stopping; writing the report of what finished \(Ctrl-C again to quit at once\)/);
    for (const ext of ['json', 'md', 'html', 'csv', 'xml']) expect(r.stderr, `${ext} not announced`).toContain(`asr-parity: wrote ${out(ext)}`);
    expect(r.stderr).toMatch(/interrupted by SIGINT: the files above hold what finished before it/);
    const report = JSON.parse(readFileSync(out('json'), 'utf8')) as Report;
    expect(report.interrupted).toEqual({ signal: 'SIGINT', backend: 'port', during: 'transcribing' });
    // two exact cases would pass: an interrupted run never does
    expect(report.verdict).toBe('incomplete');
    expect(report.verdictReasons[0]!.message).toMatch(/^interrupted by SIGINT/);
    const port = report.backends.find((b) => b.name === 'port')!;
    expect(port.accuracy!.cases.map((c) => c.id)).toEqual(['case-1', 'case-2']);
    expect(port.failedCases, 'the case under way is not the backend\'s failure').toBeUndefined();
    for (const ext of ['md', 'html']) expect(readFileSync(out(ext), 'utf8'), ext).toContain('INTERRUPTED (SIGINT): INCOMPLETE');
    // what the baseline heard on the cases the stop left uncompared is kept too, in both
    const md = readFileSync(out('md'), 'utf8');
    expect(md).toMatch(new RegExp(`## Baseline transcripts not compared[^]*\\| case-3 \\| [^|]+ \\| no reference text \\| a clip of ${lengths[2]} samples \\|`));
    expect(missingFromHtml(md, readFileSync(out('html'), 'utf8'))).toEqual([]);
    expect(readFileSync(out('xml'), 'utf8')).toMatch(/type="interrupted"/);
    expect(readFileSync(out('csv'), 'utf8')).toMatch(/^port,case-2,/m);
  });

  // a load can take minutes (a large model onto a device): the first Ctrl-C must not wait for it
  // a worker's process is killed through the run's signal (without it, it sleeps on after the CLI has gone: the worker case
  // catches that); an isolated backend's is killed the same way (its process would also end with its stdin at the CLI's
  // exit); an in-process load (isolation off) is only no longer waited for (the in-process case catches a load waited for)
  const LOADING: [kind: string, slug: string, isolated: boolean, device: (marker: string) => Record<string, unknown>][] = [
    ['a worker', 'worker', true, (marker) => ({ ...worker('port', 'load-stall', 600_000), command: [PY, WORKER, 'load-stall', '0', marker], worker: { callTimeoutMs: 600_000, loadTimeoutMs: 600_000 } })],
    ['an isolated in-tree backend', 'isolated', true, (marker) => ({ name: 'port', backend: 'stalls-loading', marker })],
    ['an in-tree backend in the CLI\'s own process', 'in-process', false, (marker) => ({ name: 'port', backend: 'stalls-loading', marker })],
  ];
  // independent runs (their own files and processes): side by side, so the three cost about one in the run time
  for (const [kind, slug, isolated, device] of LOADING) {
    it.concurrent(`Ctrl-C while ${kind} is loading: the load is abandoned and its process killed, the report written naming it, exit 130`, async ({ onTestFinished }) => {
      const marker = join(tmp, `load-stall-${slug}.pid`);
      const cfg = config(`load-interrupt-${slug}.json`, {
        baseline: worker('reference', 'ok', 600_000),
        backends: [device(marker)],
        backendPaths: ['backends'],
        thresholds: { evidence: 'point' },
        isolation: { enabled: isolated, callTimeoutMs: 600_000, loadTimeoutMs: 600_000 },
      });
      const out = (ext: string) => join(tmp, `load-interrupt-${slug}.${ext}`);
      const child = cli('eval-accuracy', '--config', cfg, '--manifest', manifest, '--output', out('json'), '--markdown', out('md'));
      const pid = () => Number(readFileSync(marker, 'utf8'));
      // whatever happens (a timeout included), neither the CLI nor the stalled load outlives the test
      onTestFinished(() => {
        child.kill('SIGKILL');
        try {
          process.kill(pid(), 'SIGKILL');
        } catch {
          // already gone
        }
      });
      while (!existsSync(marker) || !readFileSync(marker, 'utf8')) await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(130);
      expect(r.stderr).toContain(`asr-parity: wrote ${out('json')}`);
      const report = JSON.parse(readFileSync(out('json'), 'utf8')) as Report;
      expect(report.interrupted).toEqual({ signal: 'SIGINT', backend: 'port', during: 'loading' });
      expect(report.verdict).toBe('incomplete');
      expect(report.verdictReasons[0]!.message).toMatch(/^interrupted by SIGINT while port was loading: /);
      expect(readFileSync(out('md'), 'utf8')).toContain('interrupted by SIGINT while port was loading');
      // what finished before it is kept: the baseline's four transcripts
      expect(report.backends.find((b) => b.name === 'reference')?.transcripts?.map((t) => t.case)).toEqual(['case-1', 'case-2', 'case-3', 'case-4']);
      expect(report.backends.some((b) => b.name === 'port'), 'a backend that never loaded has no result to report').toBe(false);
      // the loading process was killed, not left to sleep out its ten minutes (a zombie awaiting its reaper counts as gone)
      const alive = (p: number) => {
        try {
          return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${p}/stat`, 'utf8'));
        } catch {
          return false;
        }
      };
      while (alive(pid())) await new Promise((r) => setTimeout(r, 200));
    });
  }

  it('a second Ctrl-C ends the process at once (two real SIGINTs to this process, through the CLI\'s handler)', async () => {
    // every wait of a gate run now stops at the first Ctrl-C, so no stage of a CLI run is left for a second
    // to interrupt end to end: the handler itself is driven by real signals here, with process.exit caught
    const exits: unknown[] = [];
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => void exits.push(code)) as typeof process.exit);
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stop = onInterrupt();
    try {
      process.kill(process.pid, 'SIGINT');
      while (!stop.signal.aborted) await new Promise((r) => setTimeout(r, 50));
      expect(stop.signal.reason).toBe('SIGINT');
      expect(exits, 'the first Ctrl-C ended the process').toEqual([]);
      process.kill(process.pid, 'SIGINT');
      while (!exits.length) await new Promise((r) => setTimeout(r, 50));
      expect(exits).toEqual([130]);
    } finally {
      stop.dispose();
      exit.mockRestore();
      quiet.mockRestore();
    }
  });
});
