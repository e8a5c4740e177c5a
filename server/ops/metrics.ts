// Prometheus metrics of one server (`GET /metrics`), through prom-client. Each server has its own
// registry, so tests that run several servers in one process read each one's own figures.
// Gauges are read when scraped (collect), counters and histograms are fed where things happen.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricSources {
  connections(): number;
  rooms(): number;
  aiQueued(): number;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly updatesStored: Counter;
  readonly storageWriteSeconds: Histogram;
  readonly storageWriteErrors: Counter;
  readonly aiRuns: Counter<'status'>;
  readonly aiTokensPerSecond: Histogram;
  readonly aiFirstTokenSeconds: Histogram;
  readonly aiQueued: Gauge;
  readonly modelErrors: Counter<'code'>;

  private sources: MetricSources = { connections: () => 0, rooms: () => 0, aiQueued: () => 0 };

  constructor() {
    const registers = [this.registry];
    const read = () => this.sources;
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
    new Gauge({ name: 'tandem_connections', help: 'Open collaboration WebSockets', registers, collect() { this.set(read().connections()); } });
    new Gauge({ name: 'tandem_rooms', help: 'Sessions loaded in memory', registers, collect() { this.set(read().rooms()); } });
    this.updatesStored = new Counter({
      name: 'tandem_updates_relayed_total',
      help: 'Document updates stored and then relayed to the other people in the room',
      registers,
    });
    this.storageWriteSeconds = new Histogram({
      name: 'tandem_storage_write_seconds',
      help: "Time to store one tick's updates (the wait before they are relayed)",
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.storageWriteErrors = new Counter({ name: 'tandem_storage_write_errors_total', help: 'Failed storage writes', registers });
    this.aiRuns = new Counter({ name: 'tandem_ai_runs_total', help: 'AI runs that ended, by final status', labelNames: ['status'], registers });
    this.aiTokensPerSecond = new Histogram({
      name: 'tandem_ai_tokens_per_second',
      help: 'Output tokens per second of each AI run, from first to last token',
      buckets: [50, 100, 200, 400, 700, 1000, 1500, 2000, 4000],
      registers,
    });
    this.aiFirstTokenSeconds = new Histogram({
      name: 'tandem_ai_first_token_seconds',
      help: 'Time from sending a turn to the model to its first token',
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
      registers,
    });
    this.aiQueued = new Gauge({ name: 'tandem_ai_queued_runs', help: 'AI runs waiting for their turn', registers, collect() { this.set(read().aiQueued()); } });
    this.modelErrors = new Counter({ name: 'tandem_model_errors_total', help: 'Errors from the model provider, by code', labelNames: ['code'], registers });
  }

  /** Counts an AI run that ended (the AI layer's observer). */
  runFinished(status: string, metrics: { ttftMs: number | null; tokensPerSec: number | null }, errorCode: string | null): void {
    this.aiRuns.inc({ status });
    if (metrics.ttftMs !== null) this.aiFirstTokenSeconds.observe(metrics.ttftMs / 1000);
    if (metrics.tokensPerSec !== null) this.aiTokensPerSecond.observe(metrics.tokensPerSec);
    // Refusals and stops are not the model's errors; everything else that ended a run in error is.
    if (status === 'error' && errorCode) this.modelErrors.inc({ code: errorCode });
  }

  /** Where the gauges read connections and rooms from. */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
