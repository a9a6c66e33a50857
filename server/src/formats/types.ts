// The contract every format front-end keeps: text in, IR graph (with spans into that same
// text) and syntax diagnostics out; and, for rewrites decided on the IR, text edits printed
// in the format's own syntax.
import type { Analysis } from '../core/analyze';
import type { EngineDiagnostic } from '../core/diagnostics';
import type { ScaleEstimate } from '../core/estimates';
import type { FormatId, Graph, Span } from '../core/ir';

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface Parsed {
  graph: Graph;
  diagnostics: EngineDiagnostic[];
}

export interface FrontEnd<P extends Parsed = Parsed> {
  id: FormatId;
  /** File extensions, lower case with the dot. */
  extensions: string[];
  /** VS Code language id. */
  languageId: string;
  /** `fileName`, when known, may inform defaults (e.g. the Ultralytics scale in `yolov8n.yaml`). */
  parse(text: string, fileName?: string): P;
  /** A binary format (ONNX): the engine reads the file's bytes and calls parseBytes, not parse. */
  binary?: boolean;
  /** Bytes → IR; `text` is what the spans point into (a readable listing of the file). */
  parseBytes?(bytes: Uint8Array, fileName?: string): P & { text: string };
  /**
   * An incremental parse: `prev` (parsed from `prevText`) updated to `text`, equal to
   * `parse(text)`, or undefined when this edit needs a full parse. Layers the edit leaves
   * alone keep their objects; `prev` must not be used afterwards.
   */
  update?(prev: P, prevText: string, text: string): P | undefined;
  /** Edits that rewrite the conv at `layerIndex` as depthwise + pointwise; undefined when it cannot. */
  separableEdits(parsed: P, analysis: Analysis, layerIndex: number, text: string): TextEdit[] | undefined;
  /**
   * All depthwise-separable rewrites at once, for formats where one rewrite renumbers what
   * others refer to (layer indexes): fix-all uses it instead of merging single edits.
   */
  separableEditsAll?(parsed: P, analysis: Analysis, layerIndexes: number[], text: string): TextEdit[];
  /** Edits that set the width multiplier α (or remove it at 1). */
  widthEdits(parsed: P, text: string, alpha: number): TextEdit[];
  /** Edits that set the input side ρ. */
  resolutionEdits(parsed: P, text: string, side: number): TextEdit[];
  /** Totals of every variant the file defines (Ultralytics scales), when it defines several. */
  scaleEstimates?(parsed: P): ScaleEstimate[];
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
