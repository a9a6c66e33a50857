// The folder layering of server/src and client/src (each folder's README.md, and
// docs/architecture.md): every relative import goes to a folder the importer's folder may
// import, and no module imports itself through others. Type-only imports (`import type`,
// `export type`) count for the folder rules and for cycles alike: a cycle of types is still
// a knot a reader must untie.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Which folders each folder may import (itself always); `client` may import only the listed files and folders. */
const MAY_IMPORT: Record<string, string[]> = {
  'server/src/core': [],
  'server/src/formats': ['server/src/core'],
  'server/src/engine': ['server/src/core', 'server/src/formats'],
  'server/src/report': ['server/src/core', 'server/src/engine', 'server/src/formats'],
  'server/src/export': ['server/src/core', 'server/src/engine', 'server/src/formats'],
  'server/src/lsp': [
    'server/src/core',
    'server/src/formats',
    'server/src/engine',
    'server/src/report',
    'server/src/export',
  ],
  'server/src/cli': [
    'server/src/core',
    'server/src/formats',
    'server/src/engine',
    'server/src/report',
    'server/src/export',
  ],
  'client/src': [
    'server/src/lsp/protocol.ts',
    'server/src/report',
    'server/src/core/format.ts',
    'server/src/formats/sniff.ts',
  ],
};
const LAYERS = Object.keys(MAY_IMPORT);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Edge {
  from: string;
  to: string;
  line: number;
}

/** Every relative import, re-export and dynamic import of a file, resolved to a file. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  const re =
    /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) continue;
    const line = text.slice(0, m.index! + m[0].indexOf(spec)).split('\n').length;
    edges.push({ from: file, to: resolveImport(file, spec), line });
  }
  return edges;
}

function resolveImport(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(process.cwd(), candidate);
  throw new Error(`${from}: cannot resolve '${spec}'`);
}

function layerOf(file: string): string | undefined {
  return LAYERS.find((l) => file === l || file.startsWith(`${l}/`));
}

/** Imports that leave their folder for one it may not import. */
function wrongImports(edges: Edge[]): string[] {
  const wrong: string[] = [];
  for (const e of edges) {
    const from = layerOf(e.from);
    if (!from) {
      wrong.push(`${e.from} is in no layer`);
      continue;
    }
    if (e.to.startsWith(`${from}/`)) continue;
    if (!MAY_IMPORT[from]!.some((a) => e.to === a || e.to.startsWith(`${a}/`)))
      wrong.push(`${e.from}:${e.line} → ${e.to}`);
  }
  return wrong;
}

/** Strongly connected components of more than one module, or a module importing itself (Tarjan). */
function cycles(nodes: string[], edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || next.get(v)?.includes(v)) out.push(component.sort());
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}

const files = [...sourceFiles('server/src'), ...sourceFiles('client/src')];
const edges = files.flatMap(importsOf);

test('layering: every import points to a folder its folder may import (folder READMEs)', () => {
  assert.ok(edges.length > 200, `imports found: ${edges.length}`);
  assert.deepEqual(wrongImports(edges), []);
});

test('layering: no import cycle between modules', () => {
  assert.deepEqual(cycles(files, edges), []);
});

test('layering: the checks find an upward import, a client import past its list, and cycles', () => {
  const edge = (from: string, to: string): Edge => ({ from, to, line: 1 });
  assert.deepEqual(
    wrongImports([
      edge('server/src/core/a.ts', 'server/src/formats/b.ts'),
      edge('server/src/formats/b.ts', 'server/src/core/a.ts'),
      edge('client/src/x.ts', 'server/src/lsp/server.ts'),
      edge('client/src/x.ts', 'server/src/lsp/protocol.ts'),
      edge('server/src/cli/c.ts', 'server/src/lsp/protocol.ts'),
    ]),
    [
      'server/src/core/a.ts:1 → server/src/formats/b.ts',
      'client/src/x.ts:1 → server/src/lsp/server.ts',
      'server/src/cli/c.ts:1 → server/src/lsp/protocol.ts',
    ],
  );
  assert.deepEqual(
    cycles(['a', 'b', 'c', 'd'], [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('d', 'd'), edge('a', 'd')]),
    [['d'], ['a', 'b', 'c']],
  );
});

test('layering: every folder has a README.md saying what it holds and may import, and a row in docs/architecture.md', () => {
  const architecture = readFileSync('docs/architecture.md', 'utf8');
  for (const layer of LAYERS) {
    const folder = layer.replace(/^server\/src\//, '');
    assert.ok(architecture.includes(`| \`${folder}/\` |`), `docs/architecture.md row for ${folder}/`);
    const readme = join(layer, 'README.md');
    assert.ok(existsSync(readme), `${readme} is missing`);
    assert.match(readFileSync(readme, 'utf8'), /may import/i, `${readme} says what it may import`);
  }
});
