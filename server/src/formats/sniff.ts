// Which files are models: a look at the content, for the extensions other tools share
// (`.cfg`, `.yaml`, `.prototxt`). Pure and dependency-free, so the editor client can decide
// whether to start the server (and switch a `.cfg` to Darknet) without bundling the engine.
//
// Contract: `modelFormat(fileName, text)` is the format a file is a model of, or undefined
// when its extension belongs to a format but its content is no model of it (a `setup.cfg`,
// a `compose.yaml`, a Caffe solver). Files with other extensions are not judged here.
import type { FormatId } from '../core/ir';

/** How far into a file the look goes; a model says what it is before this. */
const HEAD = 8000;

/** A Darknet network: its first section, after blank and comment (`#`, `;`) lines, is [net] or [network]. */
export function looksLikeDarknet(text: string): boolean {
  for (const line of text.slice(0, HEAD).split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    return /^\[(net|network)\]/.test(t);
  }
  return false;
}

/** An Ultralytics model: top-level `backbone:` and `head:` keys. */
export function looksLikeUltralytics(text: string): boolean {
  return /^backbone\s*:/m.test(text) && /^head\s*:/m.test(text);
}

/** A Caffe solver (`base_lr`, `lr_policy`, `net:` …) rather than a network: the one `.prototxt` that is no model. */
export function looksLikeCaffeSolver(text: string): boolean {
  const head = text.slice(0, HEAD);
  return (
    !/^\s*(layers?\s*\{|input\s*:|input_dim\s*:|input_shape\s*\{)/m.test(head) &&
    /^\s*(base_lr|lr_policy|max_iter|solver_mode|(train_|test_)?net)\s*:/m.test(head)
  );
}

/** Whether a JSON text is a Keras config or a TensorFlow.js model (judged on its start). */
export function looksLikeKeras(text: string): boolean {
  const head = text.slice(0, 4000);
  return (
    /^\s*\{/.test(head) &&
    (/"format"\s*:\s*"(layers|graph)-model"/.test(head) ||
      (/"class_name"\s*:\s*"(Sequential|Functional|Model)"/.test(head) && /"config"\s*:/.test(head)) ||
      /"modelTopology"\s*:/.test(head))
  );
}

/** Extensions whose files need a look at the content, with the format they may hold. */
const SHARED_EXTENSIONS: [string, FormatId, (text: string) => boolean][] = [
  ['.cfg', 'darknet', looksLikeDarknet],
  ['.yaml', 'ultralytics', looksLikeUltralytics],
  ['.yml', 'ultralytics', looksLikeUltralytics],
  ['.prototxt', 'caffe', (text) => !looksLikeCaffeSolver(text)],
  ['.json', 'keras', looksLikeKeras],
];

/**
 * For a file with a shared extension: its format when the content is a model, else
 * undefined; `'unjudged'` for any other extension.
 */
export function modelFormat(fileName: string, text: string): FormatId | undefined | 'unjudged' {
  const lower = fileName.toLowerCase();
  const entry = SHARED_EXTENSIONS.find(([ext]) => lower.endsWith(ext));
  if (!entry) return 'unjudged';
  return entry[2](text) ? entry[1] : undefined;
}

/** Why a file with a shared extension is not taken as a model: one line for the user. */
export function notModelReason(fileName: string): string {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.cfg'))
    return 'not a Darknet network (its first section, after comments, is not [net] or [network])';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml'))
    return 'not an Ultralytics model (no top-level backbone: and head:)';
  if (lower.endsWith('.json'))
    return 'not a Keras model config or TensorFlow.js model (no class_name and config, or format)';
  return 'a Caffe solver, not a network';
}
