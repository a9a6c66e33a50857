// What incremental and full analyses are compared on (test/unit/incremental.test.ts and
// test/fuzz/incremental.ts): everything a user can see of an analysis, as plain data.
import type { DocumentAnalysis } from '../../server/src/engine/analyzeSource';

/** Spans as [start, end]; the syntax tree as JSON. */
export function analysisView(d: DocumentAnalysis): unknown {
  const span = (s: { start: number; end: number } | undefined) => s && [s.start, s.end];
  const g = d.analysis.graph;
  return {
    diagnostics: d.diagnostics.map((x) => ({
      code: x.code,
      severity: x.severity,
      message: x.message,
      span: span(x.span),
      data: x.data,
    })),
    totals: d.analysis.totals,
    byKind: d.analysis.byKind,
    complete: d.analysis.complete,
    input: d.analysis.input,
    graph: {
      name: g.name,
      nameSpan: span(g.nameSpan),
      input: { ...g.input, span: span(g.input.span) },
      width: { ...g.width, span: span(g.width.span) },
      headerSpan: span(g.headerSpan),
      budget: g.budget && { ...g.budget, span: span(g.budget.span) },
    },
    layers: d.analysis.layers.map((l) => ({
      name: l.layer.name,
      opText: l.layer.opText,
      op: l.layer.op,
      inputs: l.layer.inputs,
      span: span(l.layer.span),
      site: span(l.layer.site),
      statement: span(l.layer.statement),
      in: l.inputs,
      out: l.output,
      kind: l.kind,
      macs: l.macs,
      params: l.params,
      otherOps: l.otherOps,
      activations: l.activations,
    })),
    // The syntax tree, spans included (`oneLine` is a cache filled in by lowering).
    ast: JSON.parse(
      JSON.stringify((d.parsed as unknown as { ast: unknown }).ast, (k, v) => (k === 'oneLine' ? undefined : v)),
    ),
  };
}
