// The contract every format front-end keeps: text in, IR graph (with spans into that same
// text) and syntax diagnostics out; for rewrites decided on the IR, text edits printed in
// the format's own syntax; and, optionally, editor support (names, completion, outline,
// folding, formatting) expressed in offsets and spans, with no editor-protocol types.
import type { Analysis } from '../core/analysis';
import type { EngineDiagnostic } from '../core/diagnostics';
import type { ScaleEstimate } from '../core/estimates';
import type { FormatId, Graph, Span } from '../core/ir';

export interface TextEdit {
  span: Span;
  newText: string;
}

/**
 * Files next to a model that it names (TensorFlow.js weight shards, ONNX external data), read on demand by
 * the host (the CLI and the desktop server read the file system; the browser build has none).
 * `path` is relative to the model's folder and already checked not to leave it; the host
 * checks again after resolving links. Never throws: the bytes, or why there are none.
 */
export interface Companions {
  read(path: string): Uint8Array | { error: string };
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
  parse(text: string, fileName?: string, companions?: Companions): P;
  /** A binary format (ONNX): the engine reads the file's bytes and calls parseBytes, not parse. */
  binary?: boolean;
  /**
   * Bytes → IR; `text` is what the spans point into (a readable listing of the file).
   * `companions` reads files next to the model (ONNX external data), where the host can.
   */
  parseBytes?(bytes: Uint8Array, fileName?: string, companions?: Companions): P & { text: string };
  /**
   * An incremental parse: `prev` (parsed from `prevText`) updated to `text`, equal to
   * `parse(text)`, or undefined when this edit needs a full parse. Layers the edit leaves
   * alone keep their objects; `prev` must not be used afterwards.
   */
  update?(prev: P, prevText: string, text: string): P | undefined;
  /**
   * Edits that rewrite the conv at `layerIndex` as depthwise + pointwise; undefined when it
   * cannot. They may reach beyond the conv's statement (a formatted `.layers` file realigns
   * the names of its group), so the edits of several rewrites are not merged by hand: fix-all
   * uses `separableEditsAll` when a front-end has it.
   */
  separableEdits(parsed: P, analysis: Analysis, layerIndex: number, text: string): TextEdit[] | undefined;
  /**
   * All depthwise-separable rewrites at once, for formats where one rewrite renumbers what
   * others refer to (layer indexes) or realigns lines others touch: fix-all uses it instead of
   * merging single edits.
   */
  separableEditsAll?(parsed: P, analysis: Analysis, layerIndexes: number[], text: string): TextEdit[];
  /** Edits that set the width multiplier α (or remove it at 1). */
  widthEdits(parsed: P, text: string, alpha: number): TextEdit[];
  /** Edits that set the input side ρ. */
  resolutionEdits(parsed: P, text: string, side: number): TextEdit[];
  /** Totals of every variant the file defines (Ultralytics scales), when it defines several. */
  scaleEstimates?(parsed: P): ScaleEstimate[];
  /** Editor features of the format's own syntax; without it, editors get the IR-based defaults. */
  editor?: EditorSupport<P>;
}

/**
 * What a format offers editors beyond the analysis, in offsets and spans into the parsed
 * text. Every member is optional: a missing one means the feature is absent (names,
 * completion, signature help, formatting) or falls back to one entry per IR statement
 * (outline, folding).
 */
export interface EditorSupport<P extends Parsed = Parsed> {
  /** Every name occurrence (definitions and uses), for definition, references, rename and semantic tokens. */
  names?(parsed: P): NameOccurrence[];
  /** Why `newName` cannot replace the occurrence `of`, or undefined when it can. */
  renameError?(parsed: P, of: NameOccurrence, newName: string): string | undefined;
  /** `targets`: the latency targets a `target NAME` may name here (built-in and configured). */
  completions?(parsed: P, text: string, offset: number, targets: readonly TargetChoice[]): CompletionEntry[];
  signatureHelp?(parsed: P, text: string, offset: number): SignatureEntry | undefined;
  /** The outline; `outputOf(statement)` gives the output shape of the last layer of a statement, if known. */
  outline?(parsed: P, text: string, outputOf: (statement: Span) => string | undefined): OutlineEntry[];
  /** Regions that fold, besides runs of comment lines. */
  folds?(parsed: P): FoldSpan[];
  /** Edits that format the whole text (none when it is formatted already). */
  formatEdits?(parsed: P, text: string): TextEdit[];
}

/** One occurrence of a name. Occurrences with the same `text` and `scope` are the same symbol. */
export interface NameOccurrence {
  text: string;
  span: Span;
  /** Format-defined; e.g. the file, one block body, block names, one block's parameters. */
  scope: string;
  /** What is named, for semantic highlighting. */
  kind: 'block' | 'layer' | 'parameter';
  /** A definition, not a use. */
  def: boolean;
}

/** A latency target as completion offers it. */
export interface TargetChoice {
  id: string;
  summary: string;
}

export interface CompletionEntry {
  label: string;
  kind: 'op' | 'block' | 'directive' | 'snippet' | 'layer' | 'value' | 'option';
  detail?: string;
  /** Plain-text documentation. */
  documentation?: string;
  /** Markdown documentation (instead of `documentation`). */
  markdown?: string;
  /** A snippet to insert (`${1:placeholder}`, `$0`) instead of the label. */
  snippet?: string;
  /** Inserting it asks for completion again (an option's `key=`). */
  retrigger?: boolean;
}

export interface SignatureEntry {
  label: string;
  documentation: string;
  parameters: { label: string; documentation: string }[];
  activeParameter: number;
}

export interface OutlineEntry {
  name: string;
  detail?: string;
  kind: 'header' | 'layer' | 'repeat' | 'block';
  span: Span;
  /** The part to select: the name or keyword. */
  selection: Span;
  children?: OutlineEntry[];
}

export interface FoldSpan {
  span: Span;
  /** The span's last line stays visible when folded (a closing brace). */
  keepLastLine: boolean;
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
