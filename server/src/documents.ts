// Open documents and their analyses. Each (uri, version) is parsed and analysed at most
// once, on first use, and every feature reads that one result. Validation is debounced
// per document; a result for a version that has since changed is dropped, not published.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeSource, type EngineOptions } from './engine';
import { frontEndForLanguage } from './formats';
import { makeFeatureDoc, type FeatureDoc } from './features/context';
import type { Settings } from './protocol';

export class AnalysisCache {
  private readonly entries = new Map<string, FeatureDoc>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly settingsFor: (uri: string) => Settings) {}

  /** The analysis of exactly this document version, computed now if not cached. */
  get(doc: TextDocument): FeatureDoc {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    const settings = this.settingsFor(doc.uri);
    const format = frontEndForLanguage(doc.languageId)?.id;
    const options: EngineOptions = { severities: settings.rules, rules: settings.thresholds, ...(format ? { format } : {}) };
    const fileName = decodeURIComponent(doc.uri.split('/').pop() ?? doc.uri);
    const analysed = makeFeatureDoc(analyzeSource(doc.getText(), fileName, options), doc.uri, doc.version, settings);
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

  forget(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    this.entries.delete(uri);
  }

  /** Settings changed: every cached analysis is stale. */
  clear(): void {
    this.entries.clear();
  }
}
