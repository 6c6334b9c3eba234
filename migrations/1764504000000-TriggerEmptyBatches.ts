import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A statement-level trigger runs once per INSERT statement even when it inserted nothing, and an
 * ingestion batch runs all three: most batches start no session and hold no custom event, and a
 * batch of repeats stores no page view. Each counter trigger now returns at once when its
 * transition table is empty, instead of running its UPDATEs over no rows (two of those cost about
 * as much as storing a page view). The settings of TriggerPlans and TriggerJoinPlans are kept.
 */
const COUNTER_TRIGGERS: { fn: string; inserted: string; body: string }[] = [
  {
    fn: 'trackveil_sessions_after_insert',
    inserted: 'new_sessions',
    body: `
      UPDATE visitors v
         SET total_visits = v.total_visits + n.sessions,
             last_session_id = n.latest_session_id
        FROM (SELECT visitor_id, count(*)::int AS sessions,
                     (array_agg(id ORDER BY started_at DESC))[1] AS latest_session_id
                FROM new_sessions GROUP BY visitor_id) n
       WHERE v.id = n.visitor_id;`,
  },
  {
    fn: 'trackveil_page_views_after_insert',
    inserted: 'new_page_views',
    body: `
      UPDATE sessions s
         SET page_view_count = s.page_view_count + n.views,
             exit_path = CASE WHEN n.last_at >= s.last_activity_at THEN n.last_path ELSE s.exit_path END,
             last_activity_at = GREATEST(s.last_activity_at, n.last_at)
        FROM (SELECT session_id, count(*)::int AS views, max(created_at) AS last_at,
                     (array_agg(path ORDER BY created_at DESC))[1] AS last_path
                FROM new_page_views GROUP BY session_id) n
       WHERE s.id = n.session_id;
      UPDATE visitors v
         SET total_page_views = v.total_page_views + n.views,
             last_seen_at = GREATEST(v.last_seen_at, n.last_at)
        FROM (SELECT visitor_id, count(*)::int AS views, max(created_at) AS last_at
                FROM new_page_views GROUP BY visitor_id) n
       WHERE v.id = n.visitor_id;`,
  },
  {
    fn: 'trackveil_events_after_insert',
    inserted: 'new_events',
    body: `
      UPDATE sessions s
         SET last_activity_at = n.last_at
        FROM (SELECT session_id, max(created_at) AS last_at FROM new_events GROUP BY session_id) n
       WHERE s.id = n.session_id AND n.last_at > s.last_activity_at;
      UPDATE visitors v
         SET last_seen_at = n.last_at
        FROM (SELECT visitor_id, max(created_at) AS last_at FROM new_events GROUP BY visitor_id) n
       WHERE v.id = n.visitor_id AND n.last_at > v.last_seen_at;`,
  },
];

/** CREATE OR REPLACE resets a function's settings, so they are given again. */
function define(trigger: (typeof COUNTER_TRIGGERS)[number], skipEmpty: boolean): string {
  const guard = skipEmpty
    ? `
      IF NOT EXISTS (SELECT FROM ${trigger.inserted}) THEN
        RETURN NULL;
      END IF;`
    : '';
  return `CREATE OR REPLACE FUNCTION ${trigger.fn}() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_mergejoin = off SET enable_hashjoin = off
    AS $$
    BEGIN${guard}${trigger.body}
      RETURN NULL;
    END
  $$`;
}

export class TriggerEmptyBatches1764504000000 implements MigrationInterface {
  name = 'TriggerEmptyBatches1764504000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of COUNTER_TRIGGERS) await queryRunner.query(define(trigger, true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of COUNTER_TRIGGERS) await queryRunner.query(define(trigger, false));
  }
}
