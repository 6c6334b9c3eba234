export interface paths {
    "/track": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Store one page view or custom event
         * @description What the tracker script sends. CORS: any origin may send (its `Origin` is reflected, preflights are answered); a site that lists allowed domains refuses others with 403. Fields the server does not know are dropped, not refused. The body is at most 8 KB.
         */
        post: operations["TrackingController_track"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's accounts, with their role in each */
        get: operations["AccountsController_list"];
        put?: never;
        /** Create an account; the caller becomes its owner */
        post: operations["AccountsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{accountId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One account, with the caller's role in it */
        get: operations["AccountsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename an account (admins and owners) */
        patch: operations["AccountsController_rename"];
        trace?: never;
    };
    "/api/accounts/{accountId}/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read an account's audit log
         * @description Sign-ins into the account aside, everything done in the account: invitations, member and role changes, API keys created and revoked, site changes and reads of site data (one entry per person, site and kind of read a minute). Newest first; page with `before`. Owners only.
         */
        get: operations["AuditLogController_read"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read your own sign-in activity
         * @description Your sign-ins (and failed attempts at your account), sign-outs, ended sessions, password changes and resets: the entries that belong to you rather than to an account. Newest first; page with `before`.
         */
        get: operations["AuthActivityController_read"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{accountId}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the account's active API keys
         * @description Newest first; revoked keys are not listed. Never the keys themselves.
         */
        get: operations["ApiKeysController_list"];
        put?: never;
        /**
         * Create an API key
         * @description Answers the key once, in `key`: only its SHA-256 is stored, so it can never be shown again. Send it as `Authorization: Bearer <key>`.
         */
        post: operations["ApiKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{accountId}/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key
         * @description The key stops working at once, on every server: the next request with it gets 401. Revocation cannot be undone.
         */
        delete: operations["ApiKeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/shared-links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The site's shared links (never the links themselves) */
        get: operations["SharedLinksController_list"];
        put?: never;
        /**
         * Create a read-only link to the site’s dashboard
         * @description Whoever has the link sees this site’s stats and nothing else. The link is in this answer only.
         */
        post: operations["SharedLinksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/shared-links/{linkId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a shared link: it stops working at once */
        delete: operations["SharedLinksController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/shared-links/open": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a shared link
         * @description The site a shared link shows; for a link with a password, checks it and answers the proof to send with the stats requests. Then call the site’s stats routes with `X-Trackveil-Share: <token>` (and `X-Trackveil-Share-Access`).
         */
        post: operations["SharedLinksController_open"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/registration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who may sign up
         * @description The REGISTRATION policy, and whether someone could sign up now without an invitation.
         */
        get: operations["AuthFlowsController_registration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sign-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign up and sign in
         * @description REGISTRATION=first: only while no user has a password; the first user owns every account without an owner. `open`: anyone, with a new account. `invite`: refused (accept an invitation instead). Sets the session cookie.
         */
        post: operations["AuthFlowsController_signUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in
         * @description Checks the e-mail address and password and sets the session cookie. Every failure gets the same 401.
         */
        post: operations["AuthFlowsController_signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out
         * @description Ends this session and clears its cookie.
         */
        post: operations["AuthFlowsController_signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user
         * @description The user, the accounts they belong to with their role in each, and this session.
         */
        get: operations["AuthFlowsController_session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The user’s sessions
         * @description Every live sign-in of the user (browsers, devices), most recently used first.
         */
        get: operations["AuthFlowsController_listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions/{sessionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one of the user’s sessions
         * @description Signs that browser out ("sign out that device"). Ending the current one signs out.
         */
        delete: operations["AuthFlowsController_revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the password
         * @description Needs the current password. Every other session of the user ends; this one stays.
         */
        post: operations["AuthFlowsController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a password-reset link
         * @description Always the same 202, whether or not a user has the address. For a user, a one-time link (valid 1 hour) is e-mailed through SMTP_URL; without SMTP_URL an operator makes one with `npm run cli -- users reset-password --email …`.
         */
        post: operations["AuthFlowsController_requestReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Choose a new password through a reset link
         * @description The link works once, within an hour. Every session of the user ends; sign in with the new password.
         */
        post: operations["AuthFlowsController_confirmReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; answered 404 on this port when METRICS_PORT serves it instead.
         */
        get: operations["MetricsController_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether PostgreSQL answers within HEALTH_TIMEOUT_MS */
        get: operations["HealthController_check"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process serves requests (the database is not checked) */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: this replica can store events */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Top-line figures of a period
         * @description Unique visitors, visits, page views, views per visit, bounce rate and visit duration, with the comparison period's figures when `compare` is set. See the README, "Stats: definitions".
         */
        get: operations["StatsController_summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/timeseries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The figures by hour, day, week or month
         * @description One point per bucket of the period (buckets without traffic are zeros), in the site's timezone; a visit counts in the bucket it started in.
         */
        get: operations["StatsController_timeseries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/breakdown/{dimension}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The figures per value of a dimension
         * @description Top pages, sources, countries, browsers… sorted, paged and searchable. Visit dimensions (entry/exit page, source, referrer, utm_*, browser, os, device, screen, country) give visitors, visits, page views, bounce rate and visit duration; page and hostname give visitors, visits and page views; event and prop.<key> give visitors, events and conversion rate. `format=csv` streams every row as a CSV file.
         */
        get: operations["StatsController_breakdown"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/realtime": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who is on the site now
         * @description Visitors with a page view in the last 5 minutes, the pages they viewed and the sources of their visits. Poll it (every few seconds is fine).
         */
        get: operations["StatsController_realtime"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/goals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Conversions of each goal
         * @description Every goal of the site (see the goals API), oldest first, with the visitors who converted in the period, the conversions (matching custom events, or page views of a matching page) and the conversion rate: those visitors over every visitor of the period, under the filters that are not about custom events or goals.
         */
        get: operations["StatsController_goals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/event-properties": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The property keys of the custom events of a period
         * @description The keys the custom events of the period carry (of one event name with `event`), most used first: break one down with the dimension `prop.<key>`.
         */
        get: operations["StatsController_eventProperties"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/filtered-traffic": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Traffic that was not counted, per day and reason
         * @description Requests to /track for this site that stored nothing: bots, prefetches, referrer spam, a page not on the allowed domains, over the rate limit, invalid events… Counted per hour as they happen and written every few seconds, so the last seconds may be missing. Requests that name no site (or an unknown one) are not counted here.
         */
        get: operations["StatsController_filteredTraffic"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/stats/export/{kind}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every page view or custom event of a period, as CSV
         * @description One row per page view (or custom event) with its time (UTC and local), page, visitor and visit ids, and the facts of its visit (source, campaign, browser, OS, device, screen, country). Filters apply. Streamed: any size, constant memory.
         */
        get: operations["StatsController_export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/goals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the site's goals
         * @description Oldest first.
         */
        get: operations["GoalsController_list"];
        put?: never;
        /**
         * Add a goal
         * @description A custom event by name (`{ "eventName": "Signup" }`) or pages by path (`{ "pagePath": "/blog/*" }`, `*` for any run of characters): exactly one of the two. A site has at most 100 goals.
         */
        post: operations["GoalsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/goals/{goalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a goal
         * @description Only the definition goes; the traffic it counted stays.
         */
        delete: operations["GoalsController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a goal's display name
         * @description Only the display name can change; for another event or path, add a new goal and delete this one.
         */
        patch: operations["GoalsController_update"];
        trace?: never;
    };
    "/api/accounts/{accountId}/sites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the account's sites
         * @description Oldest first. Sites being deleted are not listed.
         */
        get: operations["SitesController_list"];
        put?: never;
        /**
         * Create a site
         * @description The same creation as `npm run cli -- sites create`. Answers the site with the snippet to paste into its pages; /track accepts its events at once.
         */
        post: operations["SitesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a site */
        get: operations["SitesController_get"];
        put?: never;
        post?: never;
        /**
         * Delete a site and all its traffic
         * @description At once the site is gone from the API and /track refuses its events (404; other replicas within `SITE_CACHE_TTL_SECONDS`). Its visitors, sessions, page views, custom events and event receipts are then removed in the background, in small batches that do not hold up other sites; a deletion interrupted by a restart resumes at the next start. Its id is never used again.
         */
        delete: operations["SitesController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a site
         * @description Only the fields sent change. /track on the replica that answered applies the change at once; other replicas within `SITE_CACHE_TTL_SECONDS`.
         */
        patch: operations["SitesController_update"];
        trace?: never;
    };
    "/api/sites/{siteId}/snippet": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The site's tracking snippet and test page */
        get: operations["SitesController_snippet"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{siteId}/installation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Has the site received an event, and when
         * @description For a setup screen to poll (every few seconds is fine, whatever the size of the site) after the snippet is pasted: `installed` turns true with the first stored page view or custom event.
         */
        get: operations["SitesController_installation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{accountId}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's members and their roles */
        get: operations["MembersController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{accountId}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a member, or leave the account (your own user id)
         * @description Any member may remove themselves; admins remove admins and viewers; only owners remove owners; the last owner stays.
         */
        delete: operations["MembersController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a member's role
         * @description Admins and owners; only an owner may make someone an owner or change an owner's role, and the last owner keeps the role.
         */
        patch: operations["MembersController_changeRole"];
        trace?: never;
    };
    "/api/accounts/{accountId}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The pending invitations of the account (never their links) */
        get: operations["AccountInvitationsController_list"];
        put?: never;
        /**
         * Invite an e-mail address to the account with a role
         * @description With SMTP_URL the link is e-mailed and not returned; without it (or when sending fails) the link is in this answer, once. A pending invitation for the same address is replaced.
         */
        post: operations["AccountInvitationsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{accountId}/invitations/{invitationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a pending invitation: its link stops working */
        delete: operations["AccountInvitationsController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/lookup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What an invitation link invites to (for the accept page) */
        post: operations["InvitationsController_lookup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation
         * @description Signed in (session cookie): as the invited address. Not signed in: creates the user with `password` (or sets the first password of a user made without one) and signs them in; a user who has a password signs in first.
         */
        post: operations["InvitationsController_accept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tracker.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tracker script, readable */
        get: operations["TrackerScriptController_readable"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tracker.min.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tracker script, minified (the one the snippet loads) */
        get: operations["TrackerScriptController_minified"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/test.html": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A page to try the snippet by hand: /test.html?site=<site id> */
        get: operations["TrackerScriptController_testPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        TrackEventDto: {
            /**
             * Format: uuid
             * @description The `data-site-id` of the snippet.
             */
            site_id: string;
            /**
             * Format: uri
             * @description Absolute http:// or https:// URL of the page, at most 2048 characters once percent-encoded.
             */
            url: string;
            /** @description The page title; blank counts as absent. */
            title?: string;
            /** @description `document.referrer`; empty means none. Stored without its query string, fragment and credentials. */
            referrer?: string;
            /** @description Screen width in CSS pixels. */
            screen_width?: number;
            /** @description Screen height in CSS pixels. */
            screen_height?: number;
            /** @description Stable browser traits; stored only as SHA-256 with a secret per-site salt. */
            fingerprint: string;
            /** @description Page load time in milliseconds. */
            load_time_ms?: number;
            /**
             * Format: uuid
             * @description Generated by the client per event: a retried send with the same id is stored once (within EVENT_ID_RETENTION_DAYS).
             */
            event_id?: string;
            /**
             * @description `pageview` (the default), or a custom `event`.
             * @default pageview
             * @enum {string}
             */
            type: "pageview" | "event";
            /** @description The custom event's name: required for type `event`, refused on page views. */
            name?: string;
            /** @description Custom event properties: at most 30 keys of 1 to 64 characters; string (at most 256 characters), number or boolean values; nothing nested. Refused on page views. */
            props?: {
                [key: string]: string | number | boolean;
            };
        };
        ErrorBodyDto: {
            /**
             * @description The HTTP status, repeated.
             * @example 400
             */
            statusCode: number;
            /**
             * @description The status text.
             * @example Bad Request
             */
            error: string;
            /**
             * @description What to fix, in a full sentence; a list of them for a body with several bad fields.
             * @example url is required and must not be empty or blank
             */
            message: string | string[];
            /** @description The `X-Request-Id` of the request (the one sent, or one generated), as in the logs. */
            requestId: string;
        };
        AccountDto: {
            /**
             * Format: uuid
             * @description The account id.
             */
            id: string;
            /**
             * @description The account name.
             * @example Example Ltd
             */
            name: string;
            /**
             * @description The role the caller acts with in this account.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
            /**
             * Format: date-time
             * @description When the account was created.
             */
            createdAt: string;
        };
        AccountNameDto: {
            /**
             * @description The account name members see; trimmed.
             * @example Example Ltd
             */
            name: string;
        };
        AuditActorDto: {
            /**
             * @description A signed-in person, an API key, or nobody known (a failed sign-in).
             * @enum {string}
             */
            type: "user" | "api_key" | "shared_link" | "anonymous";
            /** Format: uuid */
            userId: string | null;
            /** @description The user's current email; null when the user has since been deleted. */
            email: string | null;
            /** @description The user's current name, if any. */
            name: string | null;
            /**
             * Format: uuid
             * @description The API key (or, for `shared_link`, the shared link) that acted.
             */
            keyId: string | null;
        };
        AuditTargetDto: {
            /**
             * @description What was acted on: user, invitation, api_key, site, session…
             * @example user
             */
            type: string;
            /** @example 0b6c3a57-2f3e-4a3b-9a55-6f3c1d2e4b7a */
            id: string;
        };
        AuditLogEntryDto: {
            /**
             * @description Increasing; the cursor of `before`.
             * @example 1234
             */
            id: string;
            /**
             * Format: date-time
             * @description When it happened.
             */
            occurredAt: string;
            /**
             * @example member.role_changed
             * @enum {string}
             */
            action: "auth.sign_up" | "auth.sign_in" | "auth.sign_in_failed" | "auth.sign_out" | "auth.session_revoked" | "auth.password_changed" | "auth.password_reset_requested" | "auth.password_reset" | "account.created" | "account.updated" | "invitation.created" | "invitation.revoked" | "invitation.accepted" | "member.role_changed" | "member.removed" | "api_key.created" | "api_key.revoked" | "site.created" | "site.updated" | "site.deleted" | "site.data_read" | "goal.created" | "goal.updated" | "goal.deleted" | "shared_link.created" | "shared_link.revoked";
            actor: components["schemas"]["AuditActorDto"];
            /** Format: uuid */
            siteId: string | null;
            target: components["schemas"]["AuditTargetDto"] | null;
            /**
             * @description Small facts about the action (never a password, token or key).
             * @example {
             *       "from": "viewer",
             *       "to": "admin"
             *     }
             */
            details: {
                [key: string]: unknown;
            };
            /**
             * @description The client's address with its host part dropped (IPv4 /24, IPv6 /48).
             * @example 203.0.113.0
             */
            clientAddress: string | null;
        };
        AuditLogPageDto: {
            /** @description Newest first. */
            entries: components["schemas"]["AuditLogEntryDto"][];
            /** @description Pass as `before` for the next, older page; null on the last page. */
            nextBefore: string | null;
        };
        CreateApiKeyDto: {
            /**
             * @description What the key is for, to recognise it in the list (trimmed).
             * @example Weekly report script
             */
            name: string;
            /**
             * @description `stats:read` reads the stats of the account's sites (as a viewer); `full` may also do what an admin may (manage sites), but never manage members or keys.
             * @example stats:read
             * @enum {string}
             */
            scope: "stats:read" | "full";
        };
        CreatedApiKeyDto: {
            /** Format: uuid */
            id: string;
            /** @example Weekly report script */
            name: string;
            /** @enum {string} */
            scope: "stats:read" | "full";
            /**
             * @description The first 12 characters of the key.
             * @example tvk_Xb3k9QzA
             */
            prefix: string;
            /**
             * @description The key, shown this once: Trackveil keeps only its SHA-256 and cannot show it again. Store it in a secret store; send it as `Authorization: Bearer <key>`. A lost key cannot be recovered: revoke it and create a new one.
             * @example tvk_Xb3k9QzA1mN0pRsTuVwXyZ-_aBcDeFgHiJkLmNoPqRs
             */
            key: string;
            /** Format: date-time */
            createdAt: string;
        };
        ApiKeyCreatorDto: {
            /** Format: uuid */
            id: string;
            /** @example ada@example.com */
            email: string;
        };
        ApiKeyDto: {
            /**
             * Format: uuid
             * @description Revoke the key with this id.
             */
            id: string;
            /** @example Weekly report script */
            name: string;
            /** @enum {string} */
            scope: "stats:read" | "full";
            /**
             * @description The first 12 characters of the key, to tell it apart; not enough to call with.
             * @example tvk_Xb3k9QzA
             */
            prefix: string;
            /** Format: date-time */
            createdAt: string;
            /** @description Who created the key; null once that user is deleted. */
            createdBy: components["schemas"]["ApiKeyCreatorDto"] | null;
            /**
             * Format: date-time
             * @description When the key was last used, within a minute (it is written at most once a minute); null if never.
             */
            lastUsedAt: string | null;
        };
        SharedLinkDto: {
            /**
             * Format: uuid
             * @description Revoke the link with this id.
             */
            id: string;
            /** @example Investors */
            name: string;
            /** @description Whether opening the link asks for a password. */
            hasPassword: boolean;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description When the link was last opened; null if never.
             */
            lastUsedAt: string | null;
        };
        CreateSharedLinkDto: {
            /**
             * @description Who the link is for, to recognise it in the list (trimmed).
             * @example Investors
             */
            name: string;
            /** @description Optional: whoever opens the link must type it (at least 8 characters). */
            password?: string;
        };
        CreatedSharedLinkDto: {
            /**
             * Format: uuid
             * @description Revoke the link with this id.
             */
            id: string;
            /** @example Investors */
            name: string;
            /** @description Whether opening the link asks for a password. */
            hasPassword: boolean;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description When the link was last opened; null if never.
             */
            lastUsedAt: string | null;
            /**
             * @description The link, in this answer only: only a hash of its token is stored, so it cannot be shown again.
             * @example https://stats.example.com/share/Xb3k9QzA1mN0pRsTuVwXyZ-_aBcDeFgHiJkLmNoPqRs
             */
            link: string;
        };
        OpenSharedLinkDto: {
            /** @description The token: the last part of the link (`…/share/<token>`). */
            token: string;
            /** @description The link's password, when it has one. */
            password?: string;
        };
        SharedSiteDto: {
            /** Format: uuid */
            id: string;
            /** @example My blog */
            name: string;
            /** @example blog.example.com */
            domain: string;
            /** @example Europe/Berlin */
            timezone: string;
        };
        OpenedSharedLinkDto: {
            site: components["schemas"]["SharedSiteDto"];
            /** @description For a link with a password: send it as `X-Trackveil-Share-Access` with `X-Trackveil-Share: <token>` on the stats routes, until `accessExpiresAt`. Null for a link without one. */
            access: string | null;
            /** Format: date-time */
            accessExpiresAt: string | null;
        };
        RegistrationDto: {
            /**
             * @description `first`: only the first user signs up (then invitations); `invite`: only invitations; `open`: anyone.
             * @enum {string}
             */
            policy: "first" | "invite" | "open";
            /** @description Whether someone could sign up now without an invitation. */
            signUpOpen: boolean;
        };
        SignUpDto: {
            /** @example ann@example.com */
            email: string;
            /** @example Ann Lee */
            name?: string;
            /**
             * @description At least 15 characters, at most 256, not a commonly used password.
             * @example plum kettle orbit lantern 42
             */
            password: string;
        };
        SessionUserDto: {
            /** Format: uuid */
            id: string;
            /** @example ann@example.com */
            email: string;
            /** @example Ann Lee */
            name: string | null;
        };
        SessionMembershipDto: {
            /** Format: uuid */
            accountId: string;
            /** @example Ann Lee */
            accountName: string;
            /** @enum {string} */
            role: "owner" | "admin" | "viewer";
        };
        CurrentSessionDto: {
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description When this sign-in ends unless used before (each use moves it on).
             */
            expiresAt: string;
        };
        SessionDocumentDto: {
            user: components["schemas"]["SessionUserDto"];
            memberships: components["schemas"]["SessionMembershipDto"][];
            session: components["schemas"]["CurrentSessionDto"];
        };
        SignInDto: {
            /** @example ann@example.com */
            email: string;
            /** @example plum kettle orbit lantern 42 */
            password: string;
        };
        UserSessionDto: {
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastSeenAt: string;
            /** Format: date-time */
            expiresAt: string;
            /** @description The browser’s User-Agent. */
            userAgent: string | null;
            /**
             * @description The address signed in from, without its host part.
             * @example 203.0.113.0
             */
            clientAddress: string | null;
            /** @description The session this request came with. */
            current: boolean;
        };
        ChangePasswordDto: {
            /** @description The password the user signs in with now. */
            currentPassword: string;
            /** @description At least 15 characters, at most 256, not a commonly used password. */
            newPassword: string;
        };
        PasswordResetRequestDto: {
            /** @example ann@example.com */
            email: string;
        };
        PasswordResetRequestedDto: {
            /** @example If a user has this e-mail address, a link to choose a new password is on its way; it works once, for an hour. */
            message: string;
        };
        PasswordResetConfirmDto: {
            /** @description The `token` of the link’s fragment (`…/reset-password#token=…`). */
            token: string;
            /** @description At least 15 characters, at most 256, not a commonly used password. */
            newPassword: string;
        };
        PeriodViewDto: {
            /** @enum {string} */
            name: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
            /**
             * @description First day (site timezone).
             * @example 2026-11-01
             */
            from: string;
            /**
             * @description Last day, inclusive.
             * @example 2026-11-30
             */
            to: string;
            /** @example Europe/Berlin */
            timezone: string;
        };
        RangeDto: {
            /** @example 2026-10-01 */
            from: string;
            /** @example 2026-10-31 */
            to: string;
        };
        MetricsDto: {
            /** @description Distinct visitors with a page view in the period. */
            visitors: number;
            /** @description Visits (sessions) that started in the period. */
            visits: number;
            /** @description Page views in the period. */
            pageviews: number;
            /** @description Page views per visit, of the visits counted (two decimals). */
            viewsPerVisit: number;
            /** @description Percent (whole) of the visits with one page view or none. */
            bounceRate: number;
            /** @description Mean seconds from the start of a visit to its last activity. */
            visitDuration: number;
        };
        SummaryDto: {
            period: components["schemas"]["PeriodViewDto"];
            comparison: components["schemas"]["RangeDto"] | null;
            metrics: components["schemas"]["MetricsDto"];
            /** @description The comparison period's metrics. */
            previous: components["schemas"]["MetricsDto"] | null;
        };
        PointDto: {
            /** @description Distinct visitors with a page view in the period. */
            visitors: number;
            /** @description Visits (sessions) that started in the period. */
            visits: number;
            /** @description Page views in the period. */
            pageviews: number;
            /** @description Page views per visit, of the visits counted (two decimals). */
            viewsPerVisit: number;
            /** @description Percent (whole) of the visits with one page view or none. */
            bounceRate: number;
            /** @description Mean seconds from the start of a visit to its last activity. */
            visitDuration: number;
            /**
             * @description Local start of the bucket: YYYY-MM-DD, or YYYY-MM-DDTHH:MM for hours and minutes.
             * @example 2026-11-01
             */
            date: string;
        };
        ComparisonSeriesDto: {
            /** @example 2026-10-01 */
            from: string;
            /** @example 2026-10-31 */
            to: string;
            points: components["schemas"]["PointDto"][];
        };
        TimeseriesDto: {
            period: components["schemas"]["PeriodViewDto"];
            /** @enum {string} */
            interval: "minute" | "hour" | "day" | "week" | "month";
            points: components["schemas"]["PointDto"][];
            comparison: components["schemas"]["ComparisonSeriesDto"] | null;
        };
        BreakdownRowDto: {
            /** @description The value; null is "no value" (Direct / None for source). */
            value: string | null;
            visitors: number;
            /** @description Visit and page dimensions. */
            visits?: number;
            /** @description Visit and page dimensions. */
            pageviews?: number;
            /** @description Visit dimensions: percent of visits with one page view. */
            bounceRate?: number;
            /** @description Visit dimensions: mean visit duration in seconds. */
            visitDuration?: number;
            /** @description Event dimensions: how many events. */
            events?: number;
            /** @description Event dimensions: percent of all visitors of the period (one decimal). */
            conversionRate?: number;
        };
        BreakdownDto: {
            period: components["schemas"]["PeriodViewDto"];
            dimension: string;
            /** @description The fields of every row, in order. */
            columns: string[];
            rows: components["schemas"]["BreakdownRowDto"][];
            page: number;
            limit: number;
            /** @description Whether a next page has rows. */
            hasMore: boolean;
        };
        RealtimeRowDto: {
            value: string | null;
            visitors: number;
        };
        RealtimeDto: {
            /** @description Distinct visitors with a page view in the last 5 minutes. */
            visitors: number;
            /** @description Pages viewed in the last 5 minutes, by visitors. */
            pages: components["schemas"]["RealtimeRowDto"][];
            /** @description Sources of those visitors' visits; null is Direct / None. */
            sources: components["schemas"]["RealtimeRowDto"][];
        };
        GoalStatsDto: {
            /** Format: uuid */
            id: string;
            /** @example Signup */
            name: string;
            /** @enum {string} */
            kind: "event" | "page";
            eventName: string | null;
            /** @example /thanks/* */
            pagePath: string | null;
            /** @description Visitors who converted in the period. */
            visitors: number;
            /** @description Matching custom events, or page views of a matching page. */
            conversions: number;
            /** @description Converted visitors over all visitors of the period, percent, one decimal. */
            conversionRate: number;
        };
        GoalsStatsDto: {
            period: components["schemas"]["PeriodViewDto"];
            goals: components["schemas"]["GoalStatsDto"][];
        };
        EventPropertyKeyDto: {
            /** @example plan */
            key: string;
            /** @description Custom events of the period with this property. */
            events: number;
        };
        EventPropertiesDto: {
            period: components["schemas"]["PeriodViewDto"];
            /** @description The property keys, most used first (at most 50); break one down with `prop.<key>`. */
            keys: components["schemas"]["EventPropertyKeyDto"][];
        };
        FilteredDayDto: {
            /**
             * @description The day, in the site's timezone.
             * @example 2026-11-30
             */
            date: string;
            /**
             * @description Why nothing was stored: bot, prefetch, referrer_spam, origin_not_allowed, rate_limited, invalid, too_large, unsupported_media_type, site_not_found (the site was deactivated)…
             * @example bot
             */
            reason: string;
            count: number;
        };
        FilteredTotalDto: {
            /** @example bot */
            reason: string;
            count: number;
        };
        FilteredTrafficDto: {
            period: components["schemas"]["PeriodViewDto"];
            days: components["schemas"]["FilteredDayDto"][];
            /** @description Per reason over the period, largest first. */
            totals: components["schemas"]["FilteredTotalDto"][];
        };
        GoalDto: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            siteId: string;
            /**
             * @description `event` (a custom event by name) or `page` (page views by path pattern).
             * @enum {string}
             */
            kind: "event" | "page";
            /**
             * @description Null for page goals.
             * @example Signup
             */
            eventName: string | null;
            /**
             * @description Null for event goals.
             * @example /blog/*
             */
            pagePath: string | null;
            /**
             * @description Null when not set.
             * @example Read the blog
             */
            displayName: string | null;
            /**
             * @description What to show: `displayName`, else the event name, else "Visit <pagePath>".
             * @example Visit /blog/*
             */
            name: string;
            /** Format: date-time */
            createdAt: string;
        };
        CreateGoalDto: {
            /**
             * @description An event goal: the custom event's name as the tracker sends it (`trackveil('Signup')`), case-sensitive; 1 to 120 characters. Give this or `pagePath`, not both.
             * @example Signup
             */
            eventName?: string;
            /**
             * @description A page goal: a path starting with `/`, matched against the whole path of each page view (no query string or fragment), case-sensitively. `*` stands for any run of characters, `/` included: `/blog/*` matches `/blog/a` and `/blog/a/b` but not `/blog`. Percent-escapes are decoded as in stored paths. At most 2048 characters. Give this or `eventName`, not both.
             * @example /blog/*
             */
            pagePath?: string;
            /**
             * @description What the dashboard calls the goal, 1 to 120 characters; without one, `name` is the event name or "Visit <pagePath>". No two goals of a site may have the same `name` (the stats filter `goal:is:<name>` picks a goal by it). Blank counts as none.
             * @example Read the blog
             */
            displayName?: string;
        };
        UpdateGoalDto: {
            /**
             * @description What the dashboard calls the goal, 1 to 120 characters; without one, `name` is the event name or "Visit <pagePath>". No two goals of a site may have the same `name` (the stats filter `goal:is:<name>` picks a goal by it). null or blank removes it. Left out, nothing changes.
             * @example Read the blog
             */
            displayName?: string | null;
        };
        SiteDto: {
            /**
             * Format: uuid
             * @description The `data-site-id` of the snippet.
             */
            id: string;
            /**
             * Format: uuid
             * @description The account the site belongs to.
             */
            accountId: string;
            /**
             * @description What the site is called in the dashboard; 1 to 200 characters.
             * @example My blog
             */
            name: string;
            /**
             * @description The main host name, normalized.
             * @example blog.example.com
             */
            domain: string;
            /**
             * @description When not empty, only pages on these domains and their subdomains may send events (others get 403 from /track); empty accepts any origin. At most 100, normalized like `domain`.
             * @example [
             *       "example.com"
             *     ]
             */
            allowedDomains: string[];
            /**
             * @description The IANA time zone the site counts days in (`Europe/Berlin`, `America/New_York`, `UTC`).
             * @example Europe/Berlin
             */
            timezone: string;
            /**
             * @description How many calendar months of raw traffic to keep: page views, custom events, visits and visitors older than that are deleted by a daily job (see `RETENTION_INTERVAL_HOURS`). Null keeps them for ever. Aggregated rollups, once there are any, are kept.
             * @example 13
             */
            retentionMonths: number | null;
            /** @description Whether /track accepts events for the site. */
            isActive: boolean;
            /** Format: date-time */
            createdAt: string;
        };
        CreateSiteDto: {
            /**
             * @description What the site is called in the dashboard; 1 to 200 characters.
             * @example My blog
             */
            name: string;
            /**
             * @description The main host name. A URL or a name with a port or trailing dot is accepted and reduced to its host (`https://Blog.Example.com/` → `blog.example.com`); internationalized names are stored in their ASCII form.
             * @example blog.example.com
             */
            domain: string;
            /**
             * @description When not empty, only pages on these domains and their subdomains may send events (others get 403 from /track); empty accepts any origin. At most 100, normalized like `domain`.
             * @default []
             * @example [
             *       "example.com"
             *     ]
             */
            allowedDomains: string[];
            /**
             * @description The IANA time zone the site counts days in (`Europe/Berlin`, `America/New_York`, `UTC`).
             * @default UTC
             * @example Europe/Berlin
             */
            timezone: string;
            /**
             * @description How many calendar months of raw traffic to keep: page views, custom events, visits and visitors older than that are deleted by a daily job (see `RETENTION_INTERVAL_HOURS`). Null keeps them for ever. Aggregated rollups, once there are any, are kept.
             * @default null
             * @example 13
             */
            retentionMonths: number | null;
        };
        SnippetDto: {
            /**
             * @description The tag to paste into the `<head>` of every page of the site.
             * @example <script async src="https://stats.example.com/tracker.min.js" data-site-id="3f0c…"></script>
             */
            html: string;
            /** @example https://stats.example.com/tracker.min.js */
            scriptUrl: string;
            /**
             * @description This server's test page with the site's snippet loaded, to try it at once.
             * @example https://stats.example.com/test.html?site=3f0c…
             */
            testPageUrl: string;
        };
        CreatedSiteDto: {
            /**
             * Format: uuid
             * @description The `data-site-id` of the snippet.
             */
            id: string;
            /**
             * Format: uuid
             * @description The account the site belongs to.
             */
            accountId: string;
            /**
             * @description What the site is called in the dashboard; 1 to 200 characters.
             * @example My blog
             */
            name: string;
            /**
             * @description The main host name, normalized.
             * @example blog.example.com
             */
            domain: string;
            /**
             * @description When not empty, only pages on these domains and their subdomains may send events (others get 403 from /track); empty accepts any origin. At most 100, normalized like `domain`.
             * @example [
             *       "example.com"
             *     ]
             */
            allowedDomains: string[];
            /**
             * @description The IANA time zone the site counts days in (`Europe/Berlin`, `America/New_York`, `UTC`).
             * @example Europe/Berlin
             */
            timezone: string;
            /**
             * @description How many calendar months of raw traffic to keep: page views, custom events, visits and visitors older than that are deleted by a daily job (see `RETENTION_INTERVAL_HOURS`). Null keeps them for ever. Aggregated rollups, once there are any, are kept.
             * @example 13
             */
            retentionMonths: number | null;
            /** @description Whether /track accepts events for the site. */
            isActive: boolean;
            /** Format: date-time */
            createdAt: string;
            snippet: components["schemas"]["SnippetDto"];
        };
        UpdateSiteDto: {
            /**
             * @description What the site is called in the dashboard; 1 to 200 characters.
             * @example My blog
             */
            name?: string;
            /**
             * @description The main host name. A URL or a name with a port or trailing dot is accepted and reduced to its host (`https://Blog.Example.com/` → `blog.example.com`); internationalized names are stored in their ASCII form.
             * @example blog.example.com
             */
            domain?: string;
            /**
             * @description When not empty, only pages on these domains and their subdomains may send events (others get 403 from /track); empty accepts any origin. At most 100, normalized like `domain`.
             * @example [
             *       "example.com"
             *     ]
             */
            allowedDomains?: string[];
            /**
             * @description The IANA time zone the site counts days in (`Europe/Berlin`, `America/New_York`, `UTC`).
             * @example Europe/Berlin
             */
            timezone?: string;
            /**
             * @description How many calendar months of raw traffic to keep: page views, custom events, visits and visitors older than that are deleted by a daily job (see `RETENTION_INTERVAL_HOURS`). Null keeps them for ever. Aggregated rollups, once there are any, are kept. Null sets it back to keeping them for ever; lowering it deletes the older traffic on the next run.
             * @example 13
             */
            retentionMonths?: number | null;
            /** @description False stops /track from accepting events for the site (404), keeping its data. */
            isActive?: boolean;
        };
        InstallationDto: {
            /** @description Whether the site has received a page view or custom event. */
            installed: boolean;
            /**
             * Format: date-time
             * @description When the first stored page view or custom event happened; null before any.
             */
            firstEventAt: string | null;
            /**
             * Format: date-time
             * @description When the latest one happened; null before any.
             */
            lastEventAt: string | null;
        };
        MemberDto: {
            /**
             * Format: uuid
             * @description The user id (what the member routes take).
             */
            userId: string;
            /**
             * @description Their e-mail address.
             * @example ann@example.com
             */
            email: string;
            /** @description Their name, when they gave one. */
            name: string | null;
            /**
             * @description Their role in this account.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
            /**
             * Format: date-time
             * @description When they joined the account.
             */
            joinedAt: string;
        };
        ChangeRoleDto: {
            /**
             * @description `owner` (everything), `admin` (sites, keys, members) or `viewer` (reads stats). Only an owner may give or take `owner`.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
        };
        CreateInvitationDto: {
            /**
             * @description The address to invite; stored trimmed and lower-cased.
             * @example ann@example.com
             */
            email: string;
            /**
             * @description The role they get on accepting; only owners may invite an owner.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
        };
        CreatedInvitationDto: {
            /**
             * Format: uuid
             * @description The invitation id (to revoke it).
             */
            id: string;
            /**
             * @description The invited address, normalized.
             * @example ann@example.com
             */
            email: string;
            /**
             * @description The role they get on accepting.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
            /**
             * Format: date-time
             * @description When the link stops working.
             */
            expiresAt: string;
            /** @description Whether the link was e-mailed to the address (SMTP_URL set and the mail sent). */
            emailed: boolean;
            /**
             * @description Only when not e-mailed: the link to pass on to the invited person. Shown this once; it is not stored.
             * @example https://analytics.example.com/invitations/accept#token=…
             */
            link?: string;
        };
        PendingInvitationDto: {
            /**
             * Format: uuid
             * @description The invitation id.
             */
            id: string;
            /**
             * @description The invited address.
             * @example ann@example.com
             */
            email: string;
            /**
             * @description The role they get on accepting.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
            /**
             * Format: date-time
             * @description When it was sent.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description When the link stops working.
             */
            expiresAt: string;
            /** @description The inviter's name or e-mail address; null when that user was deleted. */
            invitedBy: string | null;
        };
        InvitationTokenDto: {
            /** @description The token from the link (after `#token=`). */
            token: string;
        };
        InvitationPreviewDto: {
            /**
             * @description The account the invitation is to.
             * @example Example Ltd
             */
            accountName: string;
            /**
             * @description The invited address.
             * @example ann@example.com
             */
            email: string;
            /**
             * @description The role they get on accepting.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
            /**
             * Format: date-time
             * @description When the link stops working.
             */
            expiresAt: string;
            /** @description The inviter's name or e-mail address; null when that user was deleted. */
            invitedBy: string | null;
            /** @description Whether a user with this address exists (then: sign in first, unless it has no password yet). */
            userExists: boolean;
        };
        AcceptInvitationDto: {
            /** @description The token from the link (after `#token=`). */
            token: string;
            /** @description Your name, when the invitation creates your user. */
            name?: string;
            /** @description Needed when you are not signed in and your address has no password yet: it becomes your password (at least 15 characters). */
            password?: string;
        };
        AcceptedInvitationDto: {
            /**
             * Format: uuid
             * @description The account joined.
             */
            accountId: string;
            /**
             * @description Its name.
             * @example Example Ltd
             */
            accountName: string;
            /**
             * @description Your role there.
             * @enum {string}
             */
            role: "owner" | "admin" | "viewer";
            /**
             * Format: uuid
             * @description Your user id.
             */
            userId: string;
            /** @description Whether accepting created your user (and signed you in). */
            userCreated: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    TrackingController_track: {
        parameters: {
            query?: {
                /** @description The body's `site_id` again (the tracker sends it): a request refused before its body is read (prefetch, rate limit, wrong content type, too large) is then counted in that site's filtered traffic. Nothing else reads it. */
                s?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrackEventDto"];
                "text/plain": components["schemas"]["TrackEventDto"];
            };
        };
        responses: {
            /** @description Stored (committed before the answer), or a repeat of an `event_id` already stored. Empty body. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Ignored: not a visit. Nothing stored. Empty body. */
            204: {
                headers: {
                    /** @description Why the event was ignored. */
                    "X-Trackveil-Ignored"?: "prefetch" | "bot" | "referrer_spam";
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid body; the message names each bad field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The request's origin is not one of the site's allowed domains. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No active site has this `site_id`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The request took longer than HTTP_REQUEST_TIMEOUT_MS (its headers longer than HTTP_HEADERS_TIMEOUT_MS) to arrive; the connection is closed. Empty body. */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Body over 8 KB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A Content-Type other than application/json or text/plain. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many events from this client address. */
            429: {
                headers: {
                    /** @description Seconds to wait before sending again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description PostgreSQL unreachable or too slow, or the ingestion queue is full; retry with the same `event_id`. */
            503: {
                headers: {
                    /** @description Seconds to wait before sending again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountNameDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountDto"];
                };
            };
            /** @description A missing or too long name. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountsController_rename: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountNameDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountDto"];
                };
            };
            /** @description A missing or too long name. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuditLogController_read: {
        parameters: {
            query?: {
                /** @description Entries per page. */
                limit?: number;
                /** @description The `nextBefore` of the previous page: only older entries are returned. */
                before?: string;
                /** @description Only entries of this action. */
                action?: "auth.sign_up" | "auth.sign_in" | "auth.sign_in_failed" | "auth.sign_out" | "auth.session_revoked" | "auth.password_changed" | "auth.password_reset_requested" | "auth.password_reset" | "account.created" | "account.updated" | "invitation.created" | "invitation.revoked" | "invitation.accepted" | "member.role_changed" | "member.removed" | "api_key.created" | "api_key.revoked" | "site.created" | "site.updated" | "site.deleted" | "site.data_read" | "goal.created" | "goal.updated" | "goal.deleted" | "shared_link.created" | "shared_link.revoked";
                /** @description Only entries about this site of the account. */
                siteId?: string;
            };
            header?: never;
            path: {
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditLogPageDto"];
                };
            };
            /** @description A bad `limit`, `before`, `action` or `siteId`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below owner, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthActivityController_read: {
        parameters: {
            query?: {
                /** @description Entries per page. */
                limit?: number;
                /** @description The `nextBefore` of the previous page: only older entries are returned. */
                before?: string;
                /** @description Only entries of this action. */
                action?: "auth.sign_up" | "auth.sign_in" | "auth.sign_in_failed" | "auth.sign_out" | "auth.session_revoked" | "auth.password_changed" | "auth.password_reset_requested" | "auth.password_reset" | "account.created" | "account.updated" | "invitation.created" | "invitation.revoked" | "invitation.accepted" | "member.role_changed" | "member.removed" | "api_key.created" | "api_key.revoked" | "site.created" | "site.updated" | "site.deleted" | "site.data_read" | "goal.created" | "goal.updated" | "goal.deleted" | "shared_link.created" | "shared_link.revoked";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditLogPageDto"];
                };
            };
            /** @description A bad `limit`, `before`, `action` or `siteId`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ApiKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account the keys belong to. */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The active keys, without the keys themselves. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ApiKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account the keys belong to. */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyDto"];
            };
        };
        responses: {
            /** @description The new key; `key` is in this answer only. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKeyDto"];
                };
            };
            /** @description A missing or too long name, an unknown scope, or a field that does not exist. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ApiKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The `id` of the key, from the list. */
                keyId: string;
                /** @description The account the keys belong to. */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. Empty body. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account or key, a key of another account, or one already revoked (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SharedLinksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SharedLinkDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SharedLinksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSharedLinkDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedSharedLinkDto"];
                };
            };
            /** @description A missing name or a short password. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SharedLinksController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
                /** @description The shared link. */
                linkId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SharedLinksController_open: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OpenSharedLinkDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenedSharedLinkDto"];
                };
            };
            /** @description The password is missing or wrong. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such link, or it was revoked. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many password attempts. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_registration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationDto"];
                };
            };
        };
    };
    AuthFlowsController_signUp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignUpDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDocumentDto"];
                };
            };
            /** @description A missing or malformed field, or a new password the policy refuses (with every reason). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Sign-up needs an invitation now. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The e-mail address is in use. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many attempts for this e-mail address or from this network; `Retry-After` says how many seconds to wait. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignInDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDocumentDto"];
                };
            };
            /** @description A missing or malformed field, or a new password the policy refuses (with every reason). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description E-mail or password is wrong. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many attempts for this e-mail address or from this network; `Retry-After` says how many seconds to wait. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDocumentDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserSessionDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sessionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session has ended. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such session among the user’s. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            /** @description The password is changed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The current password is wrong, or the new one is refused (with every reason). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An API key: only people may call this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many attempts for this e-mail address or from this network; `Retry-After` says how many seconds to wait. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_requestReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetRequestDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasswordResetRequestedDto"];
                };
            };
            /** @description A missing or malformed field, or a new password the policy refuses (with every reason). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many attempts for this e-mail address or from this network; `Retry-After` says how many seconds to wait. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthFlowsController_confirmReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetConfirmDto"];
            };
        };
        responses: {
            /** @description The password is set. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The link has expired, was used or replaced, or the new password is refused (with every reason). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MetricsController_scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Prometheus text exposition format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description METRICS_TOKEN is set and the request does not carry it. */
            401: {
                headers: {
                    /** @description The Bearer challenge. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description METRICS_PORT is set: metrics are served there. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    HealthController_check: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Health Check is successful */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example ok
                         * @enum {string}
                         */
                        status?: "ok" | "degraded";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /** @example {} */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
            /** @description The Health Check is not successful */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example error
                         * @enum {string}
                         */
                        status?: "error" | "shutting_down";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       },
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Health Check is successful */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example ok
                         * @enum {string}
                         */
                        status?: "ok" | "degraded";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /** @example {} */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
            /** @description The Health Check is not successful */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example error
                         * @enum {string}
                         */
                        status?: "error" | "shutting_down";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       },
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Health Check is successful */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example ok
                         * @enum {string}
                         */
                        status?: "ok" | "degraded";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /** @example {} */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
            /** @description The Health Check is not successful */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @example error
                         * @enum {string}
                         */
                        status?: "error" | "shutting_down";
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       }
                         *     }
                         */
                        info?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        error?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        } | null;
                        /**
                         * @example {
                         *       "database": {
                         *         "status": "up",
                         *         "responseTime": 12
                         *       },
                         *       "redis": {
                         *         "status": "down",
                         *         "message": "Could not connect",
                         *         "responseTime": 3005
                         *       }
                         *     }
                         */
                        details?: {
                            [key: string]: {
                                /** @enum {string} */
                                status: "up" | "degraded" | "down";
                                /** @description Time the health indicator took to respond, in ms */
                                responseTime?: number;
                            } & {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
            };
        };
    };
    StatsController_summary: {
        parameters: {
            query?: {
                /** @description `realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone. */
                period?: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
                /** @description The day the period ends on or falls in (YYYY-MM-DD). */
                date?: string;
                /** @description First day of a custom period (inclusive). */
                from?: string;
                /** @description Last day of a custom period (inclusive). */
                to?: string;
                /** @description `previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all. */
                compare?: "previous" | "year" | "off";
                /** @description Repeat for several filters (all must hold): `<dimension>:<operator>:<value>`, operators `is`, `is_not`, `contains`, `not_contains`; several values separated by `|` (any may match; write `\|` for a `|` inside a value); `(none)` is "no value". `is` and `is_not` compare exactly (`*` is a wildcard for page, entry_page and exit_page); `contains` ignores case. Dimensions: page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>, and goal (`goal:is:<goal name>`). Example: `country:is:DE|FR`. */
                filter?: string[];
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SummaryDto"];
                };
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    StatsController_timeseries: {
        parameters: {
            query?: {
                /** @description `realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone. */
                period?: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
                /** @description The day the period ends on or falls in (YYYY-MM-DD). */
                date?: string;
                /** @description First day of a custom period (inclusive). */
                from?: string;
                /** @description Last day of a custom period (inclusive). */
                to?: string;
                /** @description `previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all. */
                compare?: "previous" | "year" | "off";
                /** @description Repeat for several filters (all must hold): `<dimension>:<operator>:<value>`, operators `is`, `is_not`, `contains`, `not_contains`; several values separated by `|` (any may match; write `\|` for a `|` inside a value); `(none)` is "no value". `is` and `is_not` compare exactly (`*` is a wildcard for page, entry_page and exit_page); `contains` ignores case. Dimensions: page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>, and goal (`goal:is:<goal name>`). Example: `country:is:DE|FR`. */
                filter?: string[];
                /** @description Bucket size; by default hour for a day, day up to about three months, week or month beyond, minute for realtime. */
                interval?: "minute" | "hour" | "day" | "week" | "month";
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TimeseriesDto"];
                };
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    StatsController_breakdown: {
        parameters: {
            query?: {
                /** @description `realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone. */
                period?: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
                /** @description The day the period ends on or falls in (YYYY-MM-DD). */
                date?: string;
                /** @description First day of a custom period (inclusive). */
                from?: string;
                /** @description Last day of a custom period (inclusive). */
                to?: string;
                /** @description `previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all. */
                compare?: "previous" | "year" | "off";
                /** @description Repeat for several filters (all must hold): `<dimension>:<operator>:<value>`, operators `is`, `is_not`, `contains`, `not_contains`; several values separated by `|` (any may match; write `\|` for a `|` inside a value); `(none)` is "no value". `is` and `is_not` compare exactly (`*` is a wildcard for page, entry_page and exit_page); `contains` ignores case. Dimensions: page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>, and goal (`goal:is:<goal name>`). Example: `country:is:DE|FR`. */
                filter?: string[];
                limit?: number;
                page?: number;
                /** @description Only rows whose value contains this text (any case). */
                search?: string;
                /** @description Default visitors. Visit dimensions: visitors, visits, pageviews, bounceRate, visitDuration; page and hostname: visitors, visits, pageviews; event and prop.<key>: visitors, events, conversionRate. */
                sort?: "visitors" | "visits" | "pageviews" | "bounceRate" | "visitDuration" | "events" | "conversionRate";
                order?: "desc" | "asc";
                /** @description `csv`: every row (no paging), streamed as a CSV file. */
                format?: "json" | "csv";
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
                /** @description One of page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>. */
                dimension: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BreakdownDto"];
                    "text/csv": components["schemas"]["BreakdownDto"];
                };
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    StatsController_realtime: {
        parameters: {
            query?: {
                /** @description Repeat for several filters (all must hold): `<dimension>:<operator>:<value>`, operators `is`, `is_not`, `contains`, `not_contains`; several values separated by `|` (any may match; write `\|` for a `|` inside a value); `(none)` is "no value". `is` and `is_not` compare exactly (`*` is a wildcard for page, entry_page and exit_page); `contains` ignores case. Dimensions: page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>, and goal (`goal:is:<goal name>`). Example: `country:is:DE|FR`. */
                filter?: string[];
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RealtimeDto"];
                };
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    StatsController_goals: {
        parameters: {
            query?: {
                /** @description `realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone. */
                period?: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
                /** @description The day the period ends on or falls in (YYYY-MM-DD). */
                date?: string;
                /** @description First day of a custom period (inclusive). */
                from?: string;
                /** @description Last day of a custom period (inclusive). */
                to?: string;
                /** @description `previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all. */
                compare?: "previous" | "year" | "off";
                /** @description Repeat for several filters (all must hold): `<dimension>:<operator>:<value>`, operators `is`, `is_not`, `contains`, `not_contains`; several values separated by `|` (any may match; write `\|` for a `|` inside a value); `(none)` is "no value". `is` and `is_not` compare exactly (`*` is a wildcard for page, entry_page and exit_page); `contains` ignores case. Dimensions: page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>, and goal (`goal:is:<goal name>`). Example: `country:is:DE|FR`. */
                filter?: string[];
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoalsStatsDto"];
                };
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    StatsController_eventProperties: {
        parameters: {
            query?: {
                /** @description `realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone. */
                period?: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
                /** @description The day the period ends on or falls in (YYYY-MM-DD). */
                date?: string;
                /** @description First day of a custom period (inclusive). */
                from?: string;
                /** @description Last day of a custom period (inclusive). */
                to?: string;
                /** @description `previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all. */
                compare?: "previous" | "year" | "off";
                /** @description Only the properties of the custom events of this name. */
                event?: string;
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPropertiesDto"];
                };
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    StatsController_filteredTraffic: {
        parameters: {
            query?: {
                /** @description `realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone. */
                period?: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
                /** @description The day the period ends on or falls in (YYYY-MM-DD). */
                date?: string;
                /** @description First day of a custom period (inclusive). */
                from?: string;
                /** @description Last day of a custom period (inclusive). */
                to?: string;
                /** @description `previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all. */
                compare?: "previous" | "year" | "off";
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FilteredTrafficDto"];
                };
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    StatsController_export: {
        parameters: {
            query?: {
                /** @description `realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone. */
                period?: "realtime" | "day" | "7d" | "30d" | "month" | "6mo" | "12mo" | "all" | "custom";
                /** @description The day the period ends on or falls in (YYYY-MM-DD). */
                date?: string;
                /** @description First day of a custom period (inclusive). */
                from?: string;
                /** @description Last day of a custom period (inclusive). */
                to?: string;
                /** @description `previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all. */
                compare?: "previous" | "year" | "off";
                /** @description Repeat for several filters (all must hold): `<dimension>:<operator>:<value>`, operators `is`, `is_not`, `contains`, `not_contains`; several values separated by `|` (any may match; write `\|` for a `|` inside a value); `(none)` is "no value". `is` and `is_not` compare exactly (`*` is a wildcard for page, entry_page and exit_page); `contains` ignores case. Dimensions: page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>, and goal (`goal:is:<goal name>`). Example: `country:is:DE|FR`. */
                filter?: string[];
            };
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
                kind: "pageviews" | "events";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A CSV file. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter, filter, period or dimension is invalid; the message says which and why. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    GoalsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoalDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    GoalsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGoalDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoalDto"];
                };
            };
            /** @description A field is missing, invalid or unknown; the message names each one. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The site has this goal already, another goal with this name, or 100 goals. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    GoalsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
                /** @description A goal of the site; a goal of another site is not found (404). */
                goalId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. Empty body. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    GoalsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
                /** @description A goal of the site; a goal of another site is not found (404). */
                goalId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateGoalDto"];
            };
        };
        responses: {
            /** @description The goal as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoalDto"];
                };
            };
            /** @description A field is missing, invalid or unknown; the message names each one. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another goal of the site has this name. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SitesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SiteDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SitesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSiteDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedSiteDto"];
                };
            };
            /** @description A field is missing, invalid or unknown; the message names each one. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SitesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SiteDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SitesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; its traffic is being removed. Empty body. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SitesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateSiteDto"];
            };
        };
        responses: {
            /** @description The site as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SiteDto"];
                };
            };
            /** @description A field is missing, invalid or unknown; the message names each one. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SitesController_snippet: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SnippetDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. API keys of scope `full` may call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SitesController_installation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of a site of an account you are a member of (else 404). */
                siteId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InstallationDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. Any API key of the account may call it (`stats:read` or `full`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such site, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MembersController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below viewer, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MembersController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed; their access ends at once. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description A member whose role is below viewer, or a key that may not do this. API keys may not call it.
             *
             *     Also: a viewer removing someone else, or an admin removing an owner (only owners may).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description No such account, or one of an account the caller is not a member of (the same answer).
             *
             *     Also: a user id that is not a member of this account.
             */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The last owner would be removed. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MembersController_changeRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeRoleDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberDto"];
                };
            };
            /** @description A role that does not exist. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description A member whose role is below admin, or a key that may not do this. API keys may not call it.
             *
             *     Below admin; or an admin giving or taking the owner role (only owners may); or an API key.
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description No such account, or one of an account the caller is not a member of (the same answer).
             *
             *     Also: a user id that is not a member of this account.
             */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The last owner would be demoted. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountInvitationsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PendingInvitationDto"][];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountInvitationsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateInvitationDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedInvitationDto"];
                };
            };
            /** @description A bad e-mail address or role. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description A member whose role is below admin, or a key that may not do this. API keys may not call it.
             *
             *     Also: an admin inviting an owner (only owners may).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such account, or one of an account the caller is not a member of (the same answer). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The address is already a member. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountInvitationsController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id of an account you are a member of (else 404). */
                accountId: string;
                invitationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No session cookie or API key, or one that has ended or been revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A member whose role is below admin, or a key that may not do this. API keys may not call it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description No such account, or one of an account the caller is not a member of (the same answer).
             *
             *     Also: no pending invitation with this id in this account (another account's, accepted or revoked).
             */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    InvitationsController_lookup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InvitationTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationPreviewDto"];
                };
            };
            /** @description No token. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An unknown, expired, used or revoked link (one answer for all). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    InvitationsController_accept: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AcceptInvitationDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedInvitationDto"];
                };
            };
            /** @description A password is needed, or the policy refuses it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Signed in as another address than the invited one. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description An unknown, expired, used or revoked link (one answer for all). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The address has a user with a password (sign in first), or is already a member. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    TrackerScriptController_readable: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The script, gzipped when the client accepts it, with an ETag and Cache-Control. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/javascript": string;
                };
            };
            /** @description The `If-None-Match` ETag matches: the cached copy is current. */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TrackerScriptController_minified: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The script, gzipped when the client accepts it, with an ETag and Cache-Control. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/javascript": string;
                };
            };
            /** @description The `If-None-Match` ETag matches: the cached copy is current. */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    TrackerScriptController_testPage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The test page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description SERVE_TEST_PAGE is false. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
}
