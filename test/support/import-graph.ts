// The import graph of src/ and the layering rules it must follow (issue 14): imports only go
// downward, and no module reaches itself through its imports. Type-only and lazy `import()`
// imports count: they are coupling too.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layers, lowest first (README, architecture). A module may import its own layer or a lower
 * one; within a layer, never in a cycle. The longest matching folder decides a file's layer.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core', 'types'],
  ['handlers'],
  ['registry', 'permissions', 'design'],
  ['debugger', 'engineer', 'infra/testing'],
  // The artifact catalogue judges the records of every domain below it (history and plan
  // records are infra's), and infra's orchestrators call it before they mutate.
  ['infra', 'artifacts'],
  ['ops'],
  ['director'],
  ['cli'],
];

/** One import: `from` imports `to` (both relative to src/, e.g. `infra/lifecycle.ts`). */
export interface Edge {
  from: string;
  to: string;
}

export const edgeName = (e: Edge) => `${e.from} -> ${e.to}`;

/** The layer rank of a src/-relative file; undefined for a file outside every layer. */
export function rankOf(file: string, layers: readonly (readonly string[])[] = LAYERS): number | undefined {
  let best: { rank: number; length: number } | undefined;
  layers.forEach((folders, rank) => {
    for (const folder of folders) {
      if ((file.startsWith(`${folder}/`) || file === folder) && (!best || folder.length > best.length)) best = { rank, length: folder.length };
    }
  });
  return best?.rank;
}

function sourceFiles(dir: string, root: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, root);
    return /\.(ts|mts|cts)$/.test(entry.name) ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

/** Every import between files of `srcDir` (imports of packages and of files outside it are not edges). */
export function importGraph(srcDir: string): { files: string[]; edges: Edge[] } {
  const files = sourceFiles(srcDir, srcDir).sort();
  const known = new Set(files);
  const edges: Edge[] = [];
  for (const from of files) {
    const text = readFileSync(path.join(srcDir, from), 'utf8');
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), fileName));
      if (resolved.startsWith('../')) continue; // data outside src/ (templates, package.json)
      const to = [resolved.replace(/\.js$/, '.ts'), resolved.replace(/\.mjs$/, '.mts'), `${resolved}.ts`, `${resolved}/index.ts`].find((f) => known.has(f));
      if (!to) throw new Error(`${from}: cannot resolve import '${fileName}'`);
      if (!edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to });
    }
  }
  return { files, edges };
}

/** Imports that go up the layering (or leave it: a file in no layer is reported too). */
export function upwardEdges(edges: readonly Edge[], layers: readonly (readonly string[])[] = LAYERS): Edge[] {
  return edges.filter((e) => {
    const from = rankOf(e.from, layers);
    const to = rankOf(e.to, layers);
    return from === undefined || to === undefined || to > from;
  });
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), each given as one closed
 * path through it: `a -> b -> c -> a`.
 */
export function importCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return components.map((component) => cyclePath(component.sort(), next));
}

/** A shortest closed path from the component's first node back to itself, inside the component. */
function cyclePath(component: string[], next: Map<string, string[]>): string[] {
  const inside = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of (next.get(v) ?? []).filter((n) => inside.has(n))) {
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}
