// `layerlint bench FILE`: the network measured on this machine (./bench/measure.ts): written
// as ONNX with random weights, run by ONNX Runtime for Node (optional dependency), whole
// network after warm-up (median, min, max of the repeats) and per layer from the runtime's
// profiler, mapped back to layers and lines; with a target, the estimate beside each figure.
//
// Exit: 0 measured; 1 the file cannot be benched (errors, uncosted layers, layers with no
// ONNX form here: each named); 2 usage, I/O, or ONNX Runtime not installed.
import { compact, exact } from '../../core/format';
import { ms, signedPercent } from '../../core/latency';
import { analyzeSource, type DocumentAnalysis } from '../../engine/analyzeSource';
import { separableFixEdits } from '../../engine/fixes';
import { applyEdits } from '../../formats/types';
import { LineIndex } from '../../core/lineIndex';
import { exportOnnx, type OnnxExport } from '../../export/onnx';
import { ANALYSIS_HELP, ANALYSIS_OPTIONS, analysisOptions, oneOf, parseCommandArgs, positiveInteger } from '../args';
import { loadRuntime, measure, type BenchOptions } from '../bench/measure';
import type { BenchReport } from '../../engine/bench';
import { EXIT, UsageError } from '../io';
import { analyzeOne } from '../oneFile';
import { table } from '../output/text';
import type { Command } from './types';

const HELP = `Usage: layerlint bench FILE [options]

Measures the network on this machine: writes it as ONNX (random weights), runs it with
ONNX Runtime for Node (the optional dependency onnxruntime-node, CPU), and prints the
whole-network time (median, min and max of the repeats after warm-up) and each layer's
time from the runtime's profiler, by line. With a target (--target, the file's target
line, layerlint.json) each layer's estimate is printed beside it (docs/latency.md).

Options:
  --threads N            intra-op threads (default 1)
  --warmup N             runs before timing (default 3)
  --repeats N            timed runs (default 20)
  --compare separable    also measure the file with every separable-conv rewrite applied
                         (as \`layerlint fix\` would write it) and print both
  --format FORMAT        text (default) or json
${ANALYSIS_HELP}
  -h, --help             this help

Exit codes: 0 measured, 1 the file cannot be measured (each reason named), 2 usage or I/O
error, or ONNX Runtime is not installed.
`;

export const bench: Command = {
  name: 'bench',
  summary: 'measure the network on this machine with ONNX Runtime (whole network and per layer)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('bench', argv, {
      ...ANALYSIS_OPTIONS,
      threads: { type: 'string' },
      warmup: { type: 'string' },
      repeats: { type: 'string' },
      compare: { type: 'string' },
      format: { type: 'string' },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', 'text');
    const compare =
      values.compare === undefined
        ? undefined
        : oneOf(values.compare, ['separable'] as const, '--compare', 'separable');
    const threads = positiveInteger(values.threads, 'threads', 1024) ?? 1;
    const warmup = values.warmup === undefined ? 3 : positiveInteger(values.warmup, 'warmup', 1000)!;
    const repeats = positiveInteger(values.repeats, 'repeats', 10_000) ?? 20;
    const fa = analyzeOne('bench', positionals, io, analysisOptions(values, io));
    const outcome = await benchDocument(fa.doc, fa.file, fa.path, { threads, warmup, repeats, compare });
    if ('refused' in outcome) {
      io.err(`layerlint: ${fa.file} cannot be measured:\n${outcome.refused}`);
      return EXIT.findings;
    }
    if ('unavailable' in outcome) throw new UsageError(outcome.unavailable);
    const b = outcome.report;
    if (format === 'json') {
      io.out(`${JSON.stringify(b, null, 2)}\n`);
      return EXIT.ok;
    }
    const header = ['layer', 'line', 'MACs', 'measured ms', ...(b.target ? [`estimated ms (${b.target})`] : [])];
    const body = b.layers.map((x) => [
      x.name,
      String(x.line),
      exact(x.macs),
      x.measuredMs.toFixed(4),
      ...(x.estimatedMs !== undefined ? [x.estimatedMs.toFixed(4)] : []),
    ]);
    io.out(
      `${fa.file}: ${b.network}, measured on this machine with ${b.runtime}, ${threads} thread${threads > 1 ? 's' : ''}\n\n`,
    );
    io.out(`${table([header, ...body], [false, true, true, true, true])}\n\n`);
    io.out(
      `Whole network: ${ms(b.medianMs)} median of ${repeats} runs after ${warmup} warm-up (min ${ms(b.minMs)}, max ${ms(b.maxMs)})` +
        `${b.otherMs ? `; layout conversions ${ms(b.otherMs)}` : ''}${b.target ? `; estimated on ${b.target}: ${ms(b.estimatedMs!)}` : ''}\n`,
    );
    if (b.compare) {
      const c = b.compare;
      io.out(
        `Separable rewrite (${c.convs} conv${c.convs === 1 ? '' : 's'}): MACs ${compact(c.macs)} → ${compact(c.separableMacs)} (${signedPercent(c.separableMacs, c.macs)}), ` +
          `measured ${ms(c.medianMs)} → ${ms(c.separableMedianMs)} (${signedPercent(c.separableMedianMs, c.medianMs)}) on this machine, ${threads} thread${threads > 1 ? 's' : ''}` +
          `${c.estimatedMs !== undefined ? `; estimated on ${b.target}: ${ms(c.estimatedMs)} → ${ms(c.separableEstimatedMs!)} (${signedPercent(c.separableEstimatedMs!, c.estimatedMs)})` : ''}\n`,
      );
    }
    return EXIT.ok;
  },
};

/**
 * The bench report of an analysed document (what `--format json` prints), or why it cannot be
 * measured: `refused` names each reason in the file (one line each), `unavailable` says ONNX
 * Runtime is missing. The language server's bench child process calls this too.
 */
export async function benchDocument(
  doc: DocumentAnalysis,
  file: string,
  path: string,
  o: BenchOptions & { compare?: 'separable' },
): Promise<{ report: BenchReport } | { refused: string } | { unavailable: string }> {
  const analysis = doc.analysis;
  const rewritten = o.compare ? separableRewrite(doc, path) : undefined;
  const written = writable(doc);
  const problems = [
    ...(typeof written === 'string' ? [written] : []),
    ...(rewritten && typeof rewritten.written === 'string' ? [`separable rewrite: ${rewritten.written}`] : []),
  ];
  if (problems.length) return { refused: problems.join('') };
  const ort = loadRuntime();
  if (typeof ort === 'string') return { unavailable: ort };
  const w = written as OnnxExport;
  const r = await measure(ort, w.bytes!, w.layerOf, analysis, o);
  const after = rewritten && (rewritten.written as OnnxExport);
  const r2 = after && (await measure(ort, after.bytes!, after.layerOf, rewritten.doc.analysis, o));
  const comparison =
    rewritten && r2
      ? {
          rewrite: 'separable' as const,
          convs: rewritten.convs,
          macs: analysis.totals.macs,
          separableMacs: rewritten.doc.analysis.totals.macs,
          medianMs: r.medianMs,
          separableMedianMs: r2.medianMs,
          ...(analysis.latency() && rewritten.doc.analysis.latency()
            ? {
                estimatedMs: analysis.latency()!.totalMs,
                separableEstimatedMs: rewritten.doc.analysis.latency()!.totalMs,
              }
            : {}),
        }
      : undefined;
  const est = analysis.latency();
  const lines = new LineIndex(doc.text);
  const rows = r.layers.map((t) => {
    const l = analysis.layers[t.layer]!;
    return {
      index: t.layer,
      name: l.layer.name,
      line: lines.positionAt(l.layer.span.start).line + 1,
      macs: l.macs,
      measuredMs: t.ms,
      measuredMinMs: t.minMs,
      ...(est ? { estimatedMs: chainEstimate(est.layers, t.layer, analysis.soleConsumers()) } : {}),
    };
  });
  return {
    report: {
      file,
      network: analysis.graph.name,
      ...r,
      layers: rows,
      ...(est ? { target: est.target.id, estimatedMs: est.totalMs } : {}),
      ...(comparison ? { compare: comparison } : {}),
    },
  };
}

/** The ONNX model of an analysed document, or why it cannot be measured (one line per reason). */
function writable(doc: DocumentAnalysis): OnnxExport | string {
  const errors = doc.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'over-budget');
  if (errors.length) return errors.map((d) => `  [${d.code}] ${d.message}\n`).join('');
  const written = exportOnnx(doc.analysis);
  return written.problems.length ? written.problems.map((p) => `  ${p}\n`).join('') : written;
}

/** The document with every separable-conv rewrite applied (what `layerlint fix` writes), analysed and written. */
export function separableRewrite(
  doc: DocumentAnalysis,
  path: string,
): {
  doc: DocumentAnalysis;
  convs: number;
  written: OnnxExport | string;
} {
  const convs = doc.findings.filter((d) => d.code === 'separable-conv').length;
  if (!convs) return { doc, convs, written: 'no separable-conv finding to rewrite\n' };
  const text = applyEdits(doc.text, separableFixEdits(doc));
  const after = analyzeSource(text, path, doc.options);
  return { doc: after, convs, written: writable(after) };
}

/** The estimate of a layer and of the layers fused into its kernel (what one measured kernel covers). */
function chainEstimate(layers: readonly ({ ms: number } | null)[], i: number, next: Int32Array): number {
  let total = layers[i]?.ms ?? 0;
  for (let j = next[i]!; j >= 0 && layers[j] && layers[j]!.ms === 0; j = next[j]!) total += layers[j]!.ms;
  return total;
}
