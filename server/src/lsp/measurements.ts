// The server side of `layerlint.bench` (LayerLint: Measure latency on this machine,
// docs/latency.md#in-the-editor): runs the host's bench (a child process, benchRunner.ts) on
// the document's current text with the editor's options and the `layerlint.bench.*`
// settings, reports work-done progress with the run count (cancellable), keeps each
// document's last measurement for lenses and hover (features/measured.ts), and says in a
// message why a run could not measure. One run per document at a time.
import {
  MessageType,
  ShowMessageNotification,
  type CancellationToken,
  type Connection,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';
import { ms } from '../core/latency';
import type { EngineOptions } from '../engine/analyzeSource';
import type { BenchReport, BenchRequest } from '../engine/bench';
import type { BenchRun } from './benchRunner';
import { fileNameOf } from './documents';
import type { FeatureDoc } from './features/context';
import type { Measurement } from './features/measured';
import { BENCH_WARMUP, type Settings } from './settings';

/** Starts one bench run (ServerHost.bench). */
export type StartBench = (request: BenchRequest, onProgress: (done: number, total: number) => void) => BenchRun;

/** A progress reporter that may carry its own cancellation (one the server created). */
type Progress = WorkDoneProgressReporter & { token?: CancellationToken };

/** The options without the host's companion reader (functions cannot cross to the child process). */
function plainOptions(o: EngineOptions): Omit<EngineOptions, 'companions'> {
  const plain = { ...o };
  delete plain.companions;
  return plain;
}

export class Measurements {
  private readonly done = new Map<string, Measurement>();
  private readonly running = new Map<string, BenchRun>();
  private lastId = 0;

  constructor(
    private readonly connection: Connection,
    private readonly start: StartBench,
    /** Asks the client to request code lenses again (workspace/codeLens/refresh, when it supports it). */
    private readonly refreshLenses: () => void,
  ) {}

  /** A message without actions: a notification (window/showMessage), which every client shows. */
  private say(type: MessageType, message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  /** The document's last measurement. */
  get(uri: string): Measurement | undefined {
    return this.done.get(uri);
  }

  /** The document was closed: its measurement goes, and a run of it stops. */
  forget(uri: string): void {
    this.done.delete(uri);
    this.running.get(uri)?.cancel();
    this.running.delete(uri);
  }

  /** Stops every run (shutdown). */
  stopAll(): void {
    for (const run of this.running.values()) run.cancel();
    this.running.clear();
  }

  /** Measures the document as it is now; the report, or null (cancelled, or a message said why not). */
  async measure(d: FeatureDoc, s: Settings, token: CancellationToken, progress: Progress): Promise<BenchReport | null> {
    const name = fileNameOf(d.uri);
    if (this.running.has(d.uri)) {
      this.say(MessageType.Info, `LayerLint: ${name} is already being measured.`);
      return null;
    }
    const { threads, repeats } = s.bench;
    const how = `${BENCH_WARMUP} warm-up + ${repeats} timed runs, ${threads} thread${threads === 1 ? '' : 's'}`;
    progress.begin(`LayerLint: measuring ${name}`, 0, how, true);
    const run = this.start(
      {
        text: d.text,
        fileName: name,
        uri: d.uri,
        options: plainOptions(d.options),
        threads,
        warmup: BENCH_WARMUP,
        repeats,
      },
      (done, total) => progress.report((100 * done) / total, `run ${done} of ${total} (${how})`),
    );
    this.running.set(d.uri, run);
    const stop = [
      token.onCancellationRequested(() => run.cancel()),
      progress.token?.onCancellationRequested(() => run.cancel()),
    ];
    try {
      const outcome = await run.outcome;
      if ('report' in outcome) {
        this.done.set(d.uri, { id: ++this.lastId, text: d.text, report: outcome.report });
        this.refreshLenses();
        const r = outcome.report;
        this.say(
          MessageType.Info,
          `LayerLint: ${name} measured ${ms(r.medianMs)} on this machine (${r.threads} thread${r.threads === 1 ? '' : 's'}, median of ${r.repeats}, spread ${ms(r.minMs)} – ${ms(r.maxMs)}).`,
        );
        return r;
      }
      if ('refused' in outcome)
        this.say(
          MessageType.Warning,
          `LayerLint: ${name} cannot be measured: ${outcome.refused.trim().replace(/\n\s*/g, '; ')}`,
        );
      else if ('unavailable' in outcome)
        this.say(MessageType.Warning, `LayerLint cannot measure here: ${outcome.unavailable}`);
      else if ('failed' in outcome)
        this.say(MessageType.Error, `LayerLint: measuring ${name} failed: ${outcome.failed}`);
      return null;
    } finally {
      for (const s of stop) s?.dispose();
      if (this.running.get(d.uri) === run) this.running.delete(d.uri);
      progress.done();
    }
  }
}
