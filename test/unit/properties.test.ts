// Property tests (fast-check, fixed seeds): invariants of the analysis on generated valid
// networks, and robustness of analyzeSource on arbitrary text (mutated examples and corpus
// files). PROPS_RUNS and FUZZ_RUNS scale the runs (defaults keep `npm test` fast);
// PROPS_SEED picks another seed. docs/reliability.md reports the figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeSource, type DocumentAnalysis } from '../../server/src/engine/analyzeSource';
import { baseSide, estimateAt } from '../../server/src/core/estimates';
import { applyEdits, type TextEdit } from '../../server/src/formats/types';
import { buildReport } from '../../server/src/report/model';
import type { LayerResult } from '../../server/src/core/costs';
import { netSpec, printNet, validNet } from '../helpers/netgen';
import { stageOf } from '../../server/src/core/diagnostics';
import { corpusDir } from '../helpers/corpus';
import { separableFixEdits } from '../../server/src/engine/fixes';

const RUNS = Number(process.env.PROPS_RUNS ?? 60);
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.PROPS_SEED ?? 20240611);
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns });

const analyse = (text: string) => analyzeSource(text, 'gen.layers');
const isCount = (x: number) => Number.isSafeInteger(x) && x >= 0;

test('totals are the sum of the layers; every MACs and params figure is a non-negative integer', () => {
  fc.assert(
    fc.property(validNet, (spec) => {
      const { analysis } = analyse(printNet(spec));
      const sum = (k: 'macs' | 'params' | 'otherOps' | 'activations') => analysis.layers.reduce((a, l) => a + l[k], 0);
      for (const k of ['macs', 'params', 'otherOps', 'activations'] as const)
        assert.equal(analysis.totals[k], sum(k), k);
      for (const l of analysis.layers)
        assert.ok(isCount(l.macs) && isCount(l.params) && isCount(l.otherOps) && isCount(l.activations), l.layer.name);
    }),
    params(),
  );
});

test('cost never decreases as the width multiplier α or the input side ρ grows', () => {
  const alphas = [0.25, 0.5, 0.75, 1, 1.5, 2];
  fc.assert(
    fc.property(validNet, (spec) => {
      const { graph } = analyse(printNet(spec)).analysis;
      const side = baseSide(graph);
      const byAlpha = alphas.map((a) => estimateAt(graph, a, side)).filter((e) => e.complete);
      const bySide = [side, side + 1, side + 3, 2 * side]
        .map((s) => estimateAt(graph, graph.width.alpha, s))
        .filter((e) => e.complete);
      for (const list of [byAlpha, bySide]) {
        for (let i = 1; i < list.length; i++) {
          assert.ok(list[i]!.macs >= list[i - 1]!.macs, 'MACs');
          assert.ok(list[i]!.params >= list[i - 1]!.params, 'params');
        }
      }
    }),
    params(),
  );
});

test('applying α through the front-end’s width edit, then analysing, equals the α estimate', () => {
  fc.assert(
    fc.property(validNet, fc.constantFrom(0.25, 0.5, 0.75, 1, 1.5, 2), (spec, alpha) => {
      const text = printNet(spec);
      const doc = analyse(text);
      const edited = analyse(applyEdits(text, doc.frontEnd.widthEdits(doc.parsed, text, alpha)));
      const estimate = estimateAt(doc.analysis.graph, alpha);
      assert.equal(edited.analysis.complete, estimate.complete);
      assert.equal(edited.analysis.totals.macs, estimate.macs);
      assert.equal(edited.analysis.totals.params, estimate.params);
    }),
    params(),
  );
});

/** Where each edit's new text lands in the edited document. */
function newRanges(edits: TextEdit[]): { start: number; end: number }[] {
  let shift = 0;
  return [...edits]
    .sort((a, b) => a.span.start - b.span.start)
    .map((e) => {
      const start = e.span.start + shift;
      shift += e.newText.length - (e.span.end - e.span.start);
      return { start, end: start + e.newText.length };
    });
}

/** Layers whose op text is outside every range: the ones a rewrite must leave alone. */
function kept(doc: DocumentAnalysis, ranges: { start: number; end: number }[]): LayerResult[] {
  return doc.analysis.layers.filter(
    (l) => !ranges.some((r) => l.layer.span.start >= r.start && l.layer.span.start < r.end),
  );
}

const shapeKey = (l: LayerResult) =>
  `${l.layer.op.kind} ${l.inputs?.map((s) => s.join('x')).join('+')} -> ${l.output?.join('x')}`;

test('every depthwise-separable rewrite keeps every other layer’s shapes, parses cleanly and saves exactly the predicted MACs', () => {
  let rewritten = 0;
  fc.assert(
    fc.property(validNet, (spec) => {
      const text = printNet(spec);
      const before = analyse(text);
      // Every rewrite at once, as fix-all does (single rewrites may realign the same group of
      // lines, so they are not merged by hand).
      const edits: TextEdit[] = separableFixEdits(before);
      let predicted = 0;
      for (const d of before.diagnostics)
        if (d.data?.kind === 'separable') predicted += d.data.macs - d.data.separableMacs;
      if (!edits.length) return;
      rewritten++;
      const fixed = applyEdits(text, edits);
      const after = analyse(fixed);
      assert.deepEqual(
        after.diagnostics.filter((d) => d.severity === 'error'),
        [],
        fixed,
      );
      assert.equal(before.analysis.totals.macs - after.analysis.totals.macs, predicted);
      const old = kept(
        before,
        edits.map((e) => e.span),
      ).map(shapeKey);
      const now = kept(after, newRanges(edits)).map(shapeKey);
      assert.deepEqual(now, old, fixed);
      assert.deepEqual(after.analysis.layers.at(-1)!.output, before.analysis.layers.at(-1)!.output);
    }),
    params(),
  );
  assert.ok(rewritten > 0, 'some generated networks have a separable candidate');
});

// ---- arbitrary text -------------------------------------------------------------------

function seedTexts(): string[] {
  const texts = readdirSync('examples').map((f) => readFileSync(join('examples', f), 'utf8'));
  const corpus = corpusDir();
  if (corpus)
    for (const f of readdirSync(corpus, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort())
      if (!f.endsWith('.md')) texts.push(readFileSync(join(corpus, f), 'utf8'));
  return texts;
}

type Mutation = (lines: string[], text: string) => string[];
const at = (n: number, len: number) => (len ? n % len : 0);
const NOISE = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom(
      '{',
      '}',
      '|',
      '(',
      ')',
      '=',
      ':',
      '#',
      '\r',
      '\n',
      '\u2028',
      '\uFEFF',
      '\uD800',
      'x',
      '0',
      '9',
      '-',
      '*',
      '/',
      ' ',
    ),
    maxLength: 12,
  }),
  fc.constantFrom(
    'repeat 100000 {',
    'block b c {',
    '}',
    'input 0x0x0',
    'conv 0 0x0',
    'width 4',
    'resolution 1',
    'budget macs=1',
    'from=in',
    'add in',
    'upsample 1000000',
    'fc 1000000',
  ),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (i): Mutation =>
      (ls) =>
        ls.filter((_, k) => k !== at(i, ls.length)),
  ),
  fc.nat().map(
    (i): Mutation =>
      (ls) => {
        const k = at(i, ls.length);
        return [...ls.slice(0, k + 1), ...ls.slice(k)];
      },
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([i, j]): Mutation =>
      (ls) => {
        const out = [...ls];
        const a = at(i, ls.length),
          b = at(j, ls.length);
        [out[a], out[b]] = [out[b]!, out[a]!];
        return out;
      },
  ),
  fc.tuple(fc.nat(), NOISE).map(
    ([i, s]): Mutation =>
      (_, t) => {
        const k = at(i, t.length + 1);
        return (t.slice(0, k) + s + t.slice(k)).split('\n');
      },
  ),
  fc.tuple(fc.nat(), fc.nat({ max: 20 })).map(
    ([i, n]): Mutation =>
      (_, t) => {
        const k = at(i, t.length + 1);
        return (t.slice(0, k) + t.slice(k + n)).split('\n');
      },
  ),
  fc.nat().map(
    (i): Mutation =>
      (_, t) =>
        t.slice(0, at(i, t.length + 1)).split('\n'),
  ),
);

/** The first non-finite number in a JSON-like value, with its path. */
function nonFinite(v: unknown, path = '$'): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${path} = ${v}`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = nonFinite(v[i], `${path}[${i}]`);
      if (r) return r;
    }
    return undefined;
  }
  if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      const r = nonFinite(x, `${path}.${k}`);
      if (r) return r;
    }
  return undefined;
}

test('arbitrary text: analyzeSource never throws, spans stay in the document, the report has no NaN or Infinity', () => {
  const seeds = seedTexts();
  const names = ['fuzz.layers', 'fuzz.prototxt', 'fuzz.cfg', 'fuzz.yaml', 'fuzz'];
  let slowest = 0;
  const run = fc.check(
    fc.property(
      fc.nat(),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      fc.constantFrom(...names),
      (pick, muts, name) => {
        let text = seeds[pick % seeds.length]!;
        for (const m of muts) text = m(text.split('\n'), text).join('\n');
        try {
          const started = performance.now();
          const doc = analyzeSource(text, name);
          const report = buildReport(doc, name);
          slowest = Math.max(slowest, performance.now() - started);
          for (const d of [...doc.diagnostics, ...doc.analysis.diagnostics]) {
            assert.ok(
              d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length,
              `${d.code} span ${d.span.start}-${d.span.end} outside 0-${text.length}`,
            );
          }
          assert.equal(nonFinite(report), undefined);
        } catch (e) {
          // The mutations print as functions: show the document itself.
          throw new Error(`${(e as Error).stack}\n--- ${name} (${text.length} characters):\n${text.slice(0, 4000)}`);
        }
      },
    ),
    { seed: SEED, numRuns: FUZZ_RUNS },
  );
  if (run.failed)
    assert.fail(
      `after ${run.numRuns} documents (seed ${SEED}, path ${run.counterexamplePath}): ${(run.errorInstance as Error | undefined)?.message ?? 'failed'}`,
    );
  console.log(
    `# fuzz: ${FUZZ_RUNS} mutated documents from ${seeds.length} seeds, slowest analysis + report ${slowest.toFixed(0)} ms`,
  );
  assert.ok(slowest < 10_000, `slowest ${slowest} ms (safety net)`);
});

test('fuzz: figures at the edges — resolution sides, shapes in messages, budgets — are honest', () => {
  let runs = 0;
  fc.assert(
    fc.property(netSpec, fc.integer({ min: 1, max: 2_000_000 }), (spec, budget) => {
      runs++;
      const doc = analyzeSource(printNet(spec), 'gen.layers', { budget: { macs: budget } });
      const { analysis } = doc;
      for (const d of doc.diagnostics) {
        // No negative size, no Infinity or NaN, no figure past 2^53 quoted as exact.
        if (stageOf(d.code) !== 'syntax') assert.doesNotMatch(d.message, /-\d+x|x-\d|Infinity|NaN/, d.message);
      }
      if (!analysis.input) return;
      const report = buildReport(doc, 'gen.layers');
      // A network that is not fully costed gets no estimates (they would be partial figures).
      if (!analysis.complete) return assert.deepEqual(report.estimates, { width: [], resolution: [] });
      const sides = report.estimates.resolution.map((e) => e.input);
      assert.equal(sides[0], baseSide(analysis.graph));
      assert.equal(new Set(sides).size, sides.length, `sides repeat: ${sides}`);
      for (let i = 1; i < sides.length; i++) {
        assert.ok(sides[i]! < sides[i - 1]!, `sides: ${sides}`);
        assert.ok(estimateAt(analysis.graph, analysis.graph.width.alpha, sides[i]).complete, `side ${sides[i]}`);
      }
    }),
    params(FUZZ_RUNS),
  );
  assert.equal(runs, FUZZ_RUNS);
});

/** Each statement's name → the activation it ends with, or 'none'; a chain's later ops are named `NAME/…`. */
function statementEnds(doc: DocumentAnalysis): Map<string, string> {
  const ends = new Map<string, string>();
  for (const l of doc.analysis.layers)
    ends.set(l.layer.name.split('/')[0]!, l.layer.op.kind === 'act' ? l.layer.op.fn : 'none');
  return ends;
}

/** Residual blocks of parallel convs, each with its own tail (nothing, bn, an activation, both), merged by add. */
const residualNet = fc
  .record({
    c: fc.constantFrom(8, 16),
    side: fc.integer({ min: 4, max: 12 }),
    branches: fc.array(
      fc.record({
        k: fc.constantFrom(3, 5),
        tail: fc.constantFrom('', ' | bn', ' | relu', ' | bn | relu', ' | bn | relu6', ' | silu', ' | bn | sigmoid'),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ c, side, branches }) => {
    const lines = [`input ${side}x${side}x${c}`, `p: conv ${c} 1x1 | relu`];
    branches.forEach((b, i) => lines.push(`b${i}: conv ${c} ${b.k}x${b.k} from=p${b.tail}`));
    lines.push(`m: add p ${branches.map((_, i) => `b${i}`).join(' ')}`);
    return `${lines.join('\n')}\n`;
  });

test('fuzz: the separable rewrite keeps every statement’s final activation (none added, none removed)', () => {
  let rewritten = 0;
  fc.assert(
    fc.property(fc.oneof(residualNet, validNet.map(printNet)), (text) => {
      const before = analyse(text);
      const edits = separableFixEdits(before);
      if (!edits.length) return;
      rewritten++;
      const after = analyse(applyEdits(text, edits));
      const ends = statementEnds(after);
      for (const [name, end] of statementEnds(before)) if (ends.has(name)) assert.equal(ends.get(name), end, name);
    }),
    params(FUZZ_RUNS),
  );
  assert.ok(rewritten > 0);
});
