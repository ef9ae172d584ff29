import type { ImportEdge } from './import-graph.ts';

/** A layer: the folders (or single files) that belong to it. Layers are listed top first. */
export interface Layer {
  name: string;
  units: readonly string[];
}

export type Rule =
  /** an import from a lower layer to a higher one */
  | 'points-up'
  /** production code importing fixtures/ or suites/ (test code may import anything) */
  | 'imports-test-code'
  /** a cycle between folders of one layer (a cycle across layers always has a points-up edge, reported as such) */
  | 'cycle'
  /** a production file, or an import target, that no layer claims: map it in suites/layer-map.ts */
  | 'unmapped';

export interface Violation {
  from: string;
  to: string;
  rule: Rule;
  detail: string;
}

/** A violation the tree has today, kept green on purpose, with why it exists. */
export interface KnownViolation {
  from: string;
  to: string;
  rule: Rule;
  reason: string;
}

interface Place {
  unit: string;
  layer: number;
}

/** The unit (folder or file of the map) a path belongs to: the longest entry that contains it. */
export function placeOf(path: string, layers: readonly Layer[]): Place | undefined {
  let best: Place | undefined;
  layers.forEach((l, layer) => {
    for (const unit of l.units) {
      if ((path === unit || path.startsWith(`${unit}/`)) && (!best || unit.length > best.unit.length)) best = { unit, layer };
    }
  });
  return best;
}

const under = (path: string, folders: readonly string[]) => folders.some((f) => path === f || path.startsWith(`${f}/`));

/** Strongly connected components of a directed graph (Tarjan), each as a set of nodes. */
function components(nodes: Iterable<string>, next: (n: string) => Iterable<string>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      out.push(c.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

/**
 * Every break of the layering in an import graph: imports that point up a layer, production
 * code that imports test code, cycles between folders of one layer, and files no layer claims.
 */
export function layerViolations(files: readonly string[], edges: readonly ImportEdge[], layers: readonly Layer[], testSide: readonly string[]): Violation[] {
  const out: Violation[] = [];
  const name = (p: Place) => `${p.unit} (${layers[p.layer]!.name})`;
  for (const f of files) if (!placeOf(f, layers)) out.push({ from: f, to: '', rule: 'unmapped', detail: `${f} belongs to no layer` });
  // edges that go down or stay in one layer, between two units: where a cycle could hide
  const sideways = new Map<string, Set<string>>();
  const sidewaysEdges: Array<[ImportEdge, Place, Place]> = [];
  for (const e of edges) {
    const from = placeOf(e.from, layers);
    if (!from) continue; // test code, or the file is reported as unmapped above
    if (under(e.to, testSide)) {
      out.push({ from: e.from, to: e.to, rule: 'imports-test-code', detail: `production code (${name(from)}) imports test code` });
      continue;
    }
    const to = placeOf(e.to, layers);
    if (!to) {
      out.push({ from: e.from, to: e.to, rule: 'unmapped', detail: `import target ${e.to} belongs to no layer` });
      continue;
    }
    if (to.layer < from.layer) {
      out.push({ from: e.from, to: e.to, rule: 'points-up', detail: `${name(from)} imports ${name(to)}, a layer above it${e.typeOnly ? ' (types only)' : ''}` });
      continue;
    }
    if (to.unit === from.unit) continue;
    if (!sideways.has(from.unit)) sideways.set(from.unit, new Set());
    sideways.get(from.unit)!.add(to.unit);
    sidewaysEdges.push([e, from, to]);
  }
  for (const c of components(sideways.keys(), (u) => sideways.get(u) ?? [])) {
    if (c.length < 2) continue;
    for (const [e, from, to] of sidewaysEdges) {
      if (c.includes(from.unit) && c.includes(to.unit)) out.push({ from: e.from, to: e.to, rule: 'cycle', detail: `closes a cycle between the folders ${c.join(', ')}` });
    }
  }
  return out;
}

const key = (v: { from: string; to: string; rule: Rule }) => `${v.rule}: ${v.from} -> ${v.to}`;

/** Violations not in the allow-list, and allow-list entries that no longer match anything (fixed: remove them). */
export function againstAllowList(found: readonly Violation[], known: readonly KnownViolation[]): { unexpected: Violation[]; stale: KnownViolation[] } {
  const allowed = new Set(known.map(key));
  const seen = new Set(found.map(key));
  return { unexpected: found.filter((v) => !allowed.has(key(v))), stale: known.filter((k) => !seen.has(key(k))) };
}

/** One line per violation, for a test's failure message. */
export function describeViolations(vs: readonly Violation[]): string {
  return vs.map((v) => `${v.rule}: ${v.from}${v.to ? ` -> ${v.to}` : ''}: ${v.detail}`).join('\n');
}
