// The one entry point the server, the CLI and the browser build share: text + file name +
// options → parsed front-end result and analysis. Also applies rule severities and inline
// suppression comments, which are the same for every format.
import type { Analysis, AnalysisOptions } from '../core/analysis';
import { analyzeGraph, reanalyzeGraph } from '../core/analyze';
import { makeDiagnostic, type Code, type EngineDiagnostic, type Severity } from '../core/diagnostics';
import { exact } from '../core/format';
import { LIMITS } from '../core/limits';
import { applySuppressions } from '../core/suppressions';
import { detectFrontEnd, frontEndFor } from '../formats';
import type { Companions, FrontEnd, Parsed } from '../formats/types';
import type { FormatId } from '../core/ir';

export interface EngineOptions extends AnalysisOptions {
  format?: FormatId;
  /** Per-code severity overrides; 'off' drops the code. */
  severities?: Partial<Record<Code, Severity | 'off'>>;
  /** The files next to the document (weight shards), when the host can read them. */
  companions?: Companions;
}

export interface DocumentAnalysis {
  text: string;
  /** The options it was analysed with. */
  options: EngineOptions;
  frontEnd: FrontEnd;
  parsed: Parsed;
  analysis: Analysis;
  /** After severities and suppressions: what to show the user (at most LIMITS.maxDiagnostics, then a note counting the rest). */
  diagnostics: EngineDiagnostic[];
  /** Every finding after severities and suppressions, uncapped: what fixes work on. */
  findings: EngineDiagnostic[];
}

export function analyzeSource(text: string, fileName: string, options: EngineOptions = {}): DocumentAnalysis {
  const frontEnd = (options.format && frontEndFor(options.format)) || detectFrontEnd(fileName, text);
  if (text.length > LIMITS.maxTextLength)
    return notAnalysed(
      text,
      fileName,
      options,
      `The document has ${exact(text.length)} characters, more than the ${exact(LIMITS.maxTextLength)} LayerLint analyses; it is not analysed.`,
    );
  try {
    const parsed = frontEnd.parse(text, fileName, options.companions);
    return finish(text, options, frontEnd, parsed, analyzeGraph(parsed.graph, text, parsed.diagnostics, options));
  } catch (e) {
    // Every walk is bounded (LIMITS.maxNesting, explicit stacks); should one still run out of
    // stack, the document gets a limit-exceeded finding instead of costing the caller its run.
    if (!(e instanceof RangeError && /call stack/i.test(e.message))) throw e;
    return notAnalysed(
      text,
      fileName,
      options,
      'The document is nested too deeply to analyse (the analysis ran out of stack); nest fewer blocks or repeats.',
    );
  }
}

/**
 * A file's bytes through the engine: a binary format's front-end (ONNX) parses the bytes and
 * its listing becomes the document's text; any other file is decoded as UTF-8 text.
 */
export function analyzeBytes(bytes: Uint8Array, fileName: string, options: EngineOptions = {}): DocumentAnalysis {
  const frontEnd = (options.format && frontEndFor(options.format)) || detectFrontEnd(fileName, '');
  if (!frontEnd.parseBytes) return analyzeSource(new TextDecoder().decode(bytes), fileName, options);
  if (bytes.length > LIMITS.maxBinaryBytes) return analyzeUnread(fileName, bytes.length, options);
  const parsed = frontEnd.parseBytes(bytes, fileName, options.companions);
  const analysis = analyzeGraph(parsed.graph, parsed.text, parsed.diagnostics, options);
  return namingLayers(finish(parsed.text, options, frontEnd, parsed, analysis));
}

/**
 * In a binary format's listing a location is a node line, which the reader cannot open:
 * each finding on a layer's line starts with the layer's name.
 */
function namingLayers(doc: DocumentAnalysis): DocumentAnalysis {
  const byStart = new Map(doc.parsed.graph.layers.map((l) => [l.span.start, l.name]));
  const name = (d: EngineDiagnostic): EngineDiagnostic => {
    const layer = d.span.end > d.span.start ? byStart.get(d.span.start) : undefined;
    return layer && !d.message.startsWith(`${layer}: `) ? { ...d, message: `${layer}: ${d.message}` } : d;
  };
  return { ...doc, diagnostics: doc.diagnostics.map(name), findings: doc.findings.map(name) };
}

/** A file too large to be read (`bytes` long, more than any text LIMITS.maxTextLength allows): one `limit-exceeded` diagnostic, as for a text too long. */
export function analyzeUnread(fileName: string, bytes: number, options: EngineOptions = {}): DocumentAnalysis {
  return notAnalysed(
    '',
    fileName,
    options,
    `The file has ${exact(bytes)} bytes, more than a document of ${exact(LIMITS.maxTextLength)} characters (the most LayerLint analyses) can have; it is not read.`,
  );
}

/** Not parsed at all: the front-end sees an empty document, the user one diagnostic. */
function notAnalysed(text: string, fileName: string, options: EngineOptions, message: string): DocumentAnalysis {
  const frontEnd = (options.format && frontEndFor(options.format)) || detectFrontEnd(fileName, '');
  const parsed = frontEnd.parse('', fileName);
  const tooLong = makeDiagnostic('limit-exceeded', { start: 0, end: 0 }, message);
  const analysis = analyzeGraph(parsed.graph, '', [tooLong], options);
  return { text, options, frontEnd, parsed, analysis, diagnostics: [tooLong], findings: [tooLong] };
}

function finish(
  text: string,
  options: EngineOptions,
  frontEnd: FrontEnd,
  parsed: Parsed,
  analysis: Analysis,
): DocumentAnalysis {
  const findings = applySuppressions(text, applySeverities(analysis.diagnostics, options.severities));
  return { text, options, frontEnd, parsed, analysis, diagnostics: capDiagnostics(findings), findings };
}

/**
 * Analyses `text`, a later version of the document `prev` analysed, with the same result as
 * `analyzeSource`. When the front-end can update its parse incrementally and the options are
 * the same, only what the edit changed is recomputed (see `updateSource`). `prev` must not be
 * used afterwards.
 */
export function reanalyzeSource(
  prev: DocumentAnalysis,
  text: string,
  fileName: string,
  options: EngineOptions = {},
): DocumentAnalysis {
  let updated: DocumentAnalysis | undefined;
  try {
    updated = updateSource(prev, text, fileName, options);
  } catch {
    // A failed update must never cost the user an analysis: start again from the text.
  }
  return updated ?? analyzeSource(text, fileName, options);
}

/** The incremental path of `reanalyzeSource`: undefined when this edit needs a full analysis. */
export function updateSource(
  prev: DocumentAnalysis,
  text: string,
  fileName: string,
  options: EngineOptions = {},
): DocumentAnalysis | undefined {
  const frontEnd = (options.format && frontEndFor(options.format)) || detectFrontEnd(fileName, text);
  if (
    frontEnd !== prev.frontEnd ||
    !frontEnd.update ||
    text.length > LIMITS.maxTextLength ||
    prev.text.length > LIMITS.maxTextLength
  )
    return undefined;
  if (options !== prev.options && JSON.stringify(options) !== JSON.stringify(prev.options)) return undefined;
  const parsed = frontEnd.update(prev.parsed, prev.text, text);
  if (!parsed) return undefined;
  const analysis =
    parsed === prev.parsed
      ? prev.analysis
      : reanalyzeGraph(prev.analysis, parsed.graph, text, parsed.diagnostics, options);
  return analysis && finish(text, options, frontEnd, parsed, analysis);
}

/** At most LIMITS.maxDiagnostics, then one informational note that counts the rest. */
function capDiagnostics(diags: EngineDiagnostic[]): EngineDiagnostic[] {
  if (diags.length <= LIMITS.maxDiagnostics) return diags;
  const kept = diags.slice(0, LIMITS.maxDiagnostics);
  const last = kept[kept.length - 1]!;
  const rest = diags.length - kept.length;
  kept.push({
    ...makeDiagnostic(
      'limit-exceeded',
      last.span,
      `${exact(rest)} more diagnostics are not shown (at most ${exact(LIMITS.maxDiagnostics)} per document).`,
    ),
    severity: 'info',
  });
  return kept;
}

export function applySeverities(
  diags: EngineDiagnostic[],
  severities: EngineOptions['severities'],
): EngineDiagnostic[] {
  if (!severities) return diags;
  const out: EngineDiagnostic[] = [];
  for (const d of diags) {
    const s = severities[d.code];
    if (s === 'off') continue;
    out.push(s ? { ...d, severity: s } : d);
  }
  return out;
}
