// JSON text with source ranges, for the JSON formats (Keras configs, TensorFlow.js models):
// JSON is YAML, so the `yaml` package parses it and keeps each node's range. These helpers
// read one object's member and turn a node's range into a span.
//
// Contract: parseJsonText never throws; syntax errors are `syntax-error` diagnostics at their range.
import { isScalar, parseDocument, type Node, type YAMLMap } from 'yaml';
import { makeDiagnostic, type EngineDiagnostic } from '../core/diagnostics';
import type { Span } from '../core/ir';

/** A node's range as a span, or `fallback` when it has none. */
export const spanOf = (n: Node | null | undefined, fallback: Span): Span =>
  n?.range ? { start: n.range[0], end: n.range[1] } : fallback;

/** The value of `key` in an object node. */
export function member(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value ?? undefined) as Node | undefined;
}

/** A scalar member's value as text ('' when absent or not a scalar). */
export function memberText(map: YAMLMap, key: string): string {
  const v = member(map, key);
  return isScalar(v) ? String(v.value) : '';
}

/** The document's root node, or the syntax errors that kept it from being read. */
export function parseJsonText(text: string): { root: Node | null; diagnostics: EngineDiagnostic[] } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const clamp = (x: number) => Math.max(0, Math.min(x, text.length));
  const diagnostics = doc.errors.map((e) =>
    makeDiagnostic(
      'syntax-error',
      { start: clamp(e.pos[0]), end: clamp(Math.max(e.pos[1], e.pos[0])) },
      `JSON: ${e.message.split('\n')[0]}`,
    ),
  );
  return { root: diagnostics.length ? null : (doc.contents as Node | null), diagnostics };
}
