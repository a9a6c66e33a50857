// What the Ultralytics front-end's parse keeps: the model spec, its file name and the lowering.
import type { Parsed } from '../types';
import type { UltralyticsLowered } from './lower';
import type { ModelSpec } from './model';

export interface UltralyticsParsed extends Parsed, UltralyticsLowered {
  spec: ModelSpec;
  fileName?: string;
}
