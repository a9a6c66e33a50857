// Open documents and their analyses. Each (uri, version) is parsed and analysed at most
// once, on first use, and every feature reads that one result; a new version is analysed
// incrementally from the previous one when the edit allows (engine.ts, reanalyzeSource). Validation is debounced
// per document, for a time proportional to the work (`debounceDelay`: a few times the
// document's last analysis, at most the `debounceMs` setting); a result for a version that
// has since changed is dropped, not published.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeSource, reanalyzeSource, type EngineOptions } from '../engine/analyzeSource';
import { frontEndForLanguage } from '../formats';
import { makeFeatureDoc, type FeatureDoc } from './features/context';
import type { Measurement } from './features/measured';
import type { Settings, TargetSetting } from './settings';
import { resolveTarget, TARGET_IDS } from '../core/targets';

/** The file name a document URI ends with (`file:///a/yolov8n.yaml` → `yolov8n.yaml`), percent-decoded when it is valid (`100%.layers` is kept as it is). */
export function fileNameOf(uri: string): string {
  const last = uri.split('/').pop() || uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The shortest wait after an edit: a keystroke burst still makes one analysis. */
export const MIN_DEBOUNCE_MS = 15;

/**
 * How long to wait after an edit before analysing: three times the document's last analysis
 * (a small file is re-checked almost at once, a large one waits for typing to pause), between
 * MIN_DEBOUNCE_MS and `maxMs` (the `layerlint.debounceMs` setting); `maxMs` before the first.
 */
export function debounceDelay(lastAnalysisMs: number | undefined, maxMs: number): number {
  if (lastAnalysisMs === undefined) return maxMs;
  return Math.min(maxMs, Math.max(MIN_DEBOUNCE_MS, Math.ceil(3 * lastAnalysisMs)));
}

/**
 * The engine options of the target setting: its id (its profile first among the profiles), or
 * its error and no target. An id must be built in or one of layerlint.json's `targets`.
 */
function targetOptions(setting: TargetSetting, config: EngineOptions): EngineOptions {
  if ('error' in setting) return { defaultTarget: undefined, defaultTargetError: setting.error };
  if (!setting.profile && !resolveTarget(setting.id, config.profiles))
    return {
      defaultTarget: undefined,
      defaultTargetError: `The layerlint.target setting names '${setting.id}', which is no target here (targets: ${[...TARGET_IDS, ...(config.profiles ?? []).map((t) => t.id)].join(', ')}; or a profile file such as profiles/npu.json). No target is set.`,
    };
  if (!setting.profile) return { defaultTarget: setting.id };
  return { defaultTarget: setting.id, profiles: [setting.profile, ...(config.profiles ?? [])] };
}

export class AnalysisCache {
  private readonly entries = new Map<string, FeatureDoc>();
  /** Milliseconds the last analysis of each document took. */
  private readonly durations = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly settingsFor: (uri: string) => Settings,
    /** Options from the project's configuration file (layerlint.json) for a document, if the host reads one. */
    private readonly configFor: (uri: string) => EngineOptions = () => ({}),
    /** Each document's last measurement (`layerlint.bench`), when the server can measure. */
    private readonly measurementFor?: (uri: string) => Measurement | undefined,
    /** The `layerlint.target` setting for a document: an id as is, a profile file read (settings.ts resolveTargetSetting). */
    private readonly targetSetting: (uri: string, value: string) => TargetSetting = (_uri, id) => ({ id }),
  ) {}

  /** The analysis of exactly this document version, computed now if not cached. */
  get(doc: TextDocument): FeatureDoc {
    const hit = this.entries.get(doc.uri);
    // A client may send a change without a new version: the text decides, not the number.
    const raw: unknown = doc.getText();
    // A client can send anything as the text (didOpen with `text: 42`): analyse it as text.
    const text = typeof raw === 'string' ? raw : '';
    if (hit && hit.version === doc.version && hit.text === text) return hit;
    // The previous version's analysis is the base of the new one (an incremental update keeps
    // what the edit left alone, and may change it in place) and is dropped from here on, so a
    // large file's two analyses never have to fit in memory at once.
    this.entries.delete(doc.uri);
    const settings = this.settingsFor(doc.uri);
    const format = frontEndForLanguage(doc.languageId)?.id;
    // The project's layerlint.json first; the editor's own settings override it.
    const config = this.configFor(doc.uri);
    const options: EngineOptions = {
      ...config,
      severities: { ...config.severities, ...settings.rules },
      rules: { ...config.rules, ...settings.thresholds },
      ...(settings.target ? targetOptions(this.targetSetting(doc.uri, settings.target), config) : {}),
      ...(format ? { format } : {}),
    };
    const fileName = fileNameOf(doc.uri);
    const t0 = performance.now();
    const analysis =
      hit && hit.version < doc.version
        ? reanalyzeSource(hit, text, fileName, options)
        : analyzeSource(text, fileName, options);
    this.durations.set(doc.uri, performance.now() - t0);
    const measurementFor = this.measurementFor;
    const analysed = makeFeatureDoc(
      analysis,
      doc.uri,
      doc.version,
      settings,
      measurementFor && (() => measurementFor(doc.uri)),
    );
    this.entries.set(doc.uri, analysed);
    return analysed;
  }

  /** Runs `task` after `delayMs` of quiet for this uri; a newer call replaces the pending one. */
  debounce(uri: string, delayMs: number, task: () => void): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    if (delayMs <= 0) {
      this.timers.delete(uri);
      task();
      return;
    }
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        task();
      }, delayMs),
    );
  }

  /** How long the last analysis of this document took, in milliseconds (undefined before the first). */
  lastDuration(uri: string): number | undefined {
    return this.durations.get(uri);
  }

  forget(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    this.entries.delete(uri);
    this.durations.delete(uri);
  }

  /** Settings changed: every cached analysis is stale. */
  clear(): void {
    this.entries.clear();
  }
}
