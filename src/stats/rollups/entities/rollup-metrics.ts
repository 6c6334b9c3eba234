import { Column } from 'typeorm';

/**
 * The metrics every rollup row has (embedded without a prefix, so its columns are the row's
 * own): the visitors exactly and as a HyperLogLog sketch (`src/stats/sketches/`) to merge across
 * rows, the page views, and the visits with their bounces, page views and summed duration.
 */
export class RollupMetrics {
  @Column({ type: 'integer' })
  visitors!: number;

  @Column({ type: 'bytea' })
  visitorsSketch!: Buffer;

  @Column({ type: 'integer' })
  pageviews!: number;

  @Column({ type: 'integer' })
  visits!: number;

  @Column({ type: 'integer' })
  bounces!: number;

  @Column({ type: 'integer' })
  visitPageviews!: number;

  /** Seconds from start to last activity, summed over the visits. */
  @Column({ type: 'double precision' })
  duration!: number;
}
