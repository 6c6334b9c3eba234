import { Injectable } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

export type EventOutcome = 'accepted' | 'ignored' | 'rejected';

export const EVENTS_TOTAL = 'trackveil_events_total';
const BATCH_SIZE = 'trackveil_ingest_batch_size';
const BATCH_DURATION = 'trackveil_ingest_batch_duration_seconds';
const BATCH_FAILURES = 'trackveil_ingest_batch_failures_total';
const QUEUE_LENGTH = 'trackveil_ingest_queue_length';

export const trackingMetricProviders = [
  makeCounterProvider({
    name: EVENTS_TOTAL,
    help: 'Tracking events by outcome (accepted, ignored, rejected) and reason.',
    labelNames: ['outcome', 'reason'],
  }),
  makeHistogramProvider({
    name: BATCH_SIZE,
    help: 'Events per ingestion transaction (group commit).',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  }),
  makeHistogramProvider({
    name: BATCH_DURATION,
    help: 'Time to commit one ingestion transaction.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({
    name: BATCH_FAILURES,
    help: 'Ingestion transactions that failed (each is retried, split or reported to its requests).',
  }),
  makeGaugeProvider({
    name: QUEUE_LENGTH,
    help: 'Events waiting for an ingestion transaction.',
  }),
];

/** The ingestion counters of `/metrics`. Labels never name a site or a visitor. */
@Injectable()
export class TrackingMetrics {
  constructor(
    @InjectMetric(EVENTS_TOTAL) private readonly events: Counter<'outcome' | 'reason'>,
    @InjectMetric(BATCH_SIZE) private readonly batchSize: Histogram,
    @InjectMetric(BATCH_DURATION) private readonly batchDuration: Histogram,
    @InjectMetric(BATCH_FAILURES) private readonly batchFailures: Counter,
    @InjectMetric(QUEUE_LENGTH) private readonly queueLength: Gauge,
  ) {}

  countEvent(outcome: EventOutcome, reason: string): void {
    this.events.inc({ outcome, reason });
  }

  observeBatch(size: number, durationMs: number, succeeded: boolean, queued: number): void {
    if (succeeded) {
      this.batchSize.observe(size);
      this.batchDuration.observe(durationMs / 1000);
    } else {
      this.batchFailures.inc();
    }
    this.queueLength.set(queued);
  }

  observeQueue(queued: number): void {
    this.queueLength.set(queued);
  }
}
