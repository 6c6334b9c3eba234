import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { trackingConfig } from '../config/tracking.config.js';
import type { StatementStep } from '../database/prepared-statement.js';

/** The relation `SessionsService.assign` yields: its input's rows, each with its `session_id`. */
export const ASSIGNED_SESSIONS = 'sessions_assigned';

@Injectable()
export class SessionsService {
  private readonly timeoutMs: number;

  constructor(@Inject(trackingConfig.KEY) tracking: ConfigType<typeof trackingConfig>) {
    this.timeoutMs = tracking.sessionTimeoutMs;
  }

  /**
   * The steps that choose the session of every hit of `hits` and insert the sessions that start.
   * `hits` is a relation with `ord` (unique), `site_id`, `visitor_id`, `created_at`, `path`,
   * `hostname`, `referrer`, `referrer_host`, `source` (see `ReferrerSources`), the five `utm_…`,
   * `browser`, `browser_version`, `os`, `os_version`, `device_type`, `screen_width`, `country`,
   * and the visitor's `last_session_id` and `last_seen_at` as `VisitorsService.getOrCreate` yields them (the
   * visitors must be locked by it, so that their latest session cannot change before the
   * transaction commits).
   *
   * A visitor's hits are taken in time order (arrival order for equal times). A hit joins the
   * session of the one before it, or the visitor's latest session for its first hit, when it comes
   * within the timeout of that session's last activity; otherwise it starts a new session, with
   * the hit's path as entry page, its referrer (unless it is the site itself), campaign and named
   * source, and its browser, OS, device, screen and country. Yields `sessions_assigned`: every
   * column of `hits`, plus `starts` and `session_id`.
   */
  assign(hits: string): StatementStep[] {
    const timeout = `${this.timeoutMs} * interval '1 millisecond'`;
    return [
      {
        name: 'sessions_numbered',
        // The session number counts the sessions a visitor starts in this batch, up to each hit;
        // hits numbered 0 continue the visitor's latest session.
        materialized: true,
        sql: `
          SELECT h.*,
                 CASE WHEN h.starts THEN gen_random_uuid() END AS new_session_id,
                 count(*) FILTER (WHERE h.starts)
                   OVER (PARTITION BY h.visitor_id ORDER BY h.created_at, h.ord) AS session_no
            FROM (SELECT h.*,
                         CASE WHEN lag(h.created_at) OVER w IS NULL AND h.last_session_id IS NULL THEN true
                              ELSE h.created_at - greatest(h.last_seen_at, lag(h.created_at) OVER w) > ${timeout}
                         END AS starts
                    FROM ${hits} h
                  WINDOW w AS (PARTITION BY h.visitor_id ORDER BY h.created_at, h.ord)) h`,
      },
      {
        name: ASSIGNED_SESSIONS,
        materialized: true,
        sql: `
          SELECT n.*,
                 CASE WHEN n.session_no = 0 THEN n.last_session_id
                      ELSE first_value(n.new_session_id)
                             OVER (PARTITION BY n.visitor_id, n.session_no ORDER BY n.created_at, n.ord)
                 END AS session_id
            FROM sessions_numbered n`,
      },
      {
        name: 'sessions_started',
        sql: `
          INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path,
                                exit_path, referrer_host, referrer, utm_source, utm_medium,
                                utm_campaign, utm_term, utm_content, browser, browser_version, os,
                                os_version, device_type, screen_width, source, country)
          SELECT session_id, site_id, visitor_id, created_at, created_at, path, path,
                 -- Moving between pages of the same site is not a source of traffic.
                 NULLIF(referrer_host, hostname),
                 CASE WHEN referrer_host IS DISTINCT FROM hostname THEN referrer END,
                 utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser,
                 browser_version, os, os_version, device_type, screen_width, source, country
            FROM ${ASSIGNED_SESSIONS}
           WHERE starts`,
      },
    ];
  }
}
