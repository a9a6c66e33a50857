// Format registry: picks the front-end for a file by extension, or by content when the
// extension says nothing (e.g. `.txt`, stdin).
import type { FormatId } from '../core/ir';
import { darknetFrontEnd } from './darknet';
import { caffeFrontEnd } from './caffe';
import { layersFrontEnd } from './layers';
import { onnxFrontEnd } from './onnx';
import { looksLikeUltralytics } from './sniff';
import { ultralyticsFrontEnd } from './ultralytics';
import type { FrontEnd } from './types';

export const FRONT_ENDS: FrontEnd[] = [
  layersFrontEnd as unknown as FrontEnd,
  caffeFrontEnd as unknown as FrontEnd,
  darknetFrontEnd as unknown as FrontEnd,
  ultralyticsFrontEnd as unknown as FrontEnd,
  onnxFrontEnd as unknown as FrontEnd,
];

export function frontEndFor(id: FormatId): FrontEnd | undefined {
  return FRONT_ENDS.find((f) => f.id === id);
}

export function frontEndForLanguage(languageId: string): FrontEnd | undefined {
  return FRONT_ENDS.find((f) => f.languageId === languageId);
}

/** By extension first, then by a look at the content; `.layers` is the fallback. */
export function detectFrontEnd(fileName: string, text: string): FrontEnd {
  const lower = fileName.toLowerCase();
  const byExt = FRONT_ENDS.find((f) => f.extensions.some((e) => lower.endsWith(e)));
  // `.yaml` is generic: it is an Ultralytics model only with top-level backbone: and head:.
  if (byExt && (byExt.id !== 'ultralytics' || looksLikeUltralytics(text))) return byExt;
  const head = text.slice(0, 4000);
  const guess: FormatId = /^\s*\[(net|convolutional)\]/m.test(head)
    ? 'darknet'
    : /^\s*(layers?\s*\{|input_dim\s*:|name\s*:\s*")/m.test(head)
      ? 'caffe'
      : looksLikeUltralytics(text)
        ? 'ultralytics'
        : 'layers';
  return frontEndFor(guess) ?? (layersFrontEnd as unknown as FrontEnd);
}
