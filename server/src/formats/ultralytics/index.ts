// The Ultralytics model `.yaml` front-end: read the YAML (model.ts) → lower one scale to IR
// (lower.ts), print rewrites back as YAML rows (printer.ts), and estimate every scale.
// Scale: guessed from the file name as ultralytics does (yolov8n.yaml → n), else the first.
import { computeCosts } from '../../core/costs';
import type { FrontEnd } from '../types';
import { guessScale, lowerModel } from './lower';
import { readModel } from './model';
import type { UltralyticsParsed } from './parsed';
import { ultralyticsSeparableEdits, ultralyticsSeparableEditsAll, ultralyticsWidthEdits } from './printer';

export type { UltralyticsParsed } from './parsed';

export const ultralyticsFrontEnd: FrontEnd<UltralyticsParsed> = {
  id: 'ultralytics',
  extensions: ['.yaml', '.yml'],
  languageId: 'ultralytics-yaml',
  parse(text, fileName) {
    const spec = readModel(text);
    return { ...lowerModel(spec, guessScale(fileName), fileName), spec, fileName };
  },
  separableEdits: ultralyticsSeparableEdits,
  separableEditsAll: ultralyticsSeparableEditsAll,
  widthEdits: ultralyticsWidthEdits,
  // The input size is not in the model file (it is `imgsz` at run time, 640 by default).
  resolutionEdits: () => [],
  scaleEstimates(parsed) {
    return parsed.spec.scales.map((s) => {
      const { totals, complete } = computeCosts(lowerModel(parsed.spec, s.name, parsed.fileName).graph);
      return { scale: s.name, macs: totals.macs, params: totals.params, complete };
    });
  },
};
