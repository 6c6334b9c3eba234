import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { cleanText } from '../common/clean-text.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { violatedUniqueConstraint } from '../database/database-errors.js';
import { decodePath } from '../tracking/page-url.js';
import {
  Goal,
  MAX_GOAL_DISPLAY_NAME,
  MAX_GOAL_EVENT_NAME,
  MAX_GOAL_PAGE_PATH,
} from './entities/goal.entity.js';

export const GOAL_KINDS = ['event', 'page'] as const;
export type GoalKind = (typeof GOAL_KINDS)[number];

/** The most goals a site may have. */
export const MAX_GOALS_PER_SITE = 100;

/** A goal as the API shows it and the stats read it. */
export interface GoalView {
  id: string;
  siteId: string;
  kind: GoalKind;
  /** Set for event goals, null for page goals. */
  eventName: string | null;
  /** Set for page goals (a pattern: see `goal-match.ts`), null for event goals. */
  pagePath: string | null;
  displayName: string | null;
  /** `displayName`, else the event name, else "Visit <pagePath>". */
  name: string;
  createdAt: Date;
}

export interface CreateGoalInput {
  eventName?: string;
  pagePath?: string;
  displayName?: string;
}

export interface UpdateGoalInput {
  /** null or blank removes it; undefined leaves it as it is. */
  displayName?: string | null;
}

export const GOAL_NOT_FOUND = 'Goal not found.';

/** A goal row under its entity's property names, for `RETURNING`. */
const GOAL_COLUMNS = `id, site_id AS "siteId", event_name AS "eventName", page_path AS "pagePath",
  display_name AS "displayName", created_at AS "createdAt"`;

/** What a goal is called where no display name is set. */
export function defaultGoalName(goal: Pick<Goal, 'eventName' | 'pagePath'>): string {
  return goal.eventName ?? `Visit ${goal.pagePath ?? ''}`;
}

function toView(goal: Goal): GoalView {
  return {
    id: goal.id,
    siteId: goal.siteId,
    kind: goal.eventName !== null ? 'event' : 'page',
    eventName: goal.eventName,
    pagePath: goal.pagePath,
    displayName: goal.displayName,
    name: goal.displayName ?? defaultGoalName(goal),
    createdAt: goal.createdAt,
  };
}

/** The name as `/track` stores a custom event's: cleaned and trimmed, case kept. */
function checkEventName(input: string): string {
  const name = cleanText(input).trim();
  if (!name || name.length > MAX_GOAL_EVENT_NAME) {
    throw new DomainError(
      'invalid_goal',
      `eventName must be 1 to ${MAX_GOAL_EVENT_NAME} characters long and not blank: the name of the custom event, as the tracker sends it.`,
    );
  }
  return name;
}

/**
 * The pattern in the form `/track` stores paths (percent-escapes decoded the same way), with each
 * run of `*` made one: `/a/**` and `/a/*` name the same pages, so they are the same goal.
 */
function checkPagePath(input: string): string {
  const path = decodePath(cleanText(input).trim()).replace(/\*+/g, '*');
  if (!path.startsWith('/')) {
    throw new DomainError(
      'invalid_goal',
      'pagePath must start with / (a path such as /pricing, or /blog/* for every page under /blog/).',
    );
  }
  if (/[?#]/.test(path)) {
    throw new DomainError(
      'invalid_goal',
      'pagePath is matched against the path alone: leave out the query string and fragment (from ? or # on).',
    );
  }
  if (Buffer.byteLength(path) > MAX_GOAL_PAGE_PATH) {
    throw new DomainError(
      'invalid_goal',
      `pagePath must be at most ${MAX_GOAL_PAGE_PATH} bytes long in UTF-8 (${MAX_GOAL_PAGE_PATH} characters of plain ASCII, fewer of other scripts).`,
    );
  }
  return path;
}

/** Blank counts as none. */
function checkDisplayName(input: string | null | undefined): string | null {
  const name = input == null ? '' : cleanText(input).trim();
  if (name.length > MAX_GOAL_DISPLAY_NAME) {
    throw new DomainError(
      'invalid_goal',
      `displayName must be at most ${MAX_GOAL_DISPLAY_NAME} characters long.`,
    );
  }
  return name || null;
}

/** Which one of eventName and pagePath the input gives; refuses neither and both. */
function checkKind(input: CreateGoalInput): GoalKind {
  const hasEvent = input.eventName !== undefined;
  const hasPage = input.pagePath !== undefined;
  if (hasEvent === hasPage) {
    throw new DomainError(
      'invalid_goal',
      hasEvent
        ? 'Give eventName or pagePath, not both: a goal counts either a custom event or visits to pages.'
        : 'Give eventName (a custom event, such as "Signup") or pagePath (pages, such as "/blog/*"): a goal needs exactly one of the two.',
    );
  }
  return hasEvent ? 'event' : 'page';
}

/**
 * The goals of sites: what a goal is and the management of them. Callers pass a site id the
 * access guard has already tied to the caller's account; a goal id is only ever looked up
 * together with its site id, so a goal of another site is "not found".
 */
@Injectable()
export class GoalsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The site's goals, oldest first. */
  async list(siteId: string): Promise<GoalView[]> {
    const goals = await this.dataSource
      .getRepository(Goal)
      .find({ where: { siteId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return goals.map(toView);
  }

  /** One goal of the site; `goal_not_found` when the site has no goal with this id. */
  async get(siteId: string, goalId: string): Promise<GoalView> {
    return toView(await this.find(siteId, goalId));
  }

  /**
   * Adds a goal. Refuses input that is not exactly one of `eventName` and `pagePath`
   * (`invalid_goal`), a goal the site has already or a name another goal has (`goal_exists`),
   * and a goal beyond `MAX_GOALS_PER_SITE` (`goal_limit_reached`).
   */
  async create(siteId: string, input: CreateGoalInput): Promise<GoalView> {
    const kind = checkKind(input);
    const eventName = kind === 'event' ? checkEventName(input.eventName ?? '') : null;
    const pagePath = kind === 'page' ? checkPagePath(input.pagePath ?? '') : null;
    const displayName = checkDisplayName(input.displayName);
    const duplicate =
      eventName !== null
        ? `The site already has a goal for the event "${eventName}" (eventName).`
        : `The site already has a goal for the pages "${pagePath}" (pagePath).`;
    try {
      const goal = await this.dataSource.transaction(async (em) => {
        await this.lockSite(em, siteId);
        const [{ count, same }]: { count: number; same: boolean }[] = await em.query(
          `SELECT count(*)::int AS count,
                  coalesce(bool_or(event_name = $2 OR page_path = $3), false) AS same
             FROM goals WHERE site_id = $1`,
          [siteId, eventName, pagePath],
        );
        if (same) throw new DomainError('goal_exists', duplicate);
        if (count >= MAX_GOALS_PER_SITE) {
          throw new DomainError(
            'goal_limit_reached',
            `A site may have at most ${MAX_GOALS_PER_SITE} goals; delete one it no longer needs first.`,
          );
        }
        await this.checkNameFree(
          em,
          siteId,
          displayName ?? defaultGoalName({ eventName, pagePath }),
        );
        const repository = em.getRepository(Goal);
        return repository.save(repository.create({ siteId, eventName, pagePath, displayName }));
      });
      return toView(goal);
    } catch (error) {
      // The indexes say the same as the check above, should anything write goals another way.
      if (violatedUniqueConstraint(error)?.startsWith('UQ_goals_site_id_')) {
        throw new DomainError('goal_exists', duplicate);
      }
      throw error;
    }
  }

  /**
   * Changes the display name; answers the goal and the fields whose value changed. Refuses a
   * name another goal of the site has (`goal_exists`).
   */
  async update(
    siteId: string,
    goalId: string,
    input: UpdateGoalInput,
  ): Promise<{ goal: GoalView; changed: string[] }> {
    const goal = await this.find(siteId, goalId);
    if (input.displayName === undefined) return { goal: toView(goal), changed: [] };
    const displayName = checkDisplayName(input.displayName);
    if (displayName === goal.displayName) return { goal: toView(goal), changed: [] };
    const updated = await this.dataSource.transaction(async (em) => {
      await this.lockSite(em, siteId);
      await this.checkNameFree(em, siteId, displayName ?? defaultGoalName(goal), goalId);
      const [rows]: [Goal[], number] = await em.query(
        `UPDATE goals SET display_name = $3 WHERE id = $1 AND site_id = $2
         RETURNING ${GOAL_COLUMNS}`,
        [goalId, siteId, displayName],
      );
      return rows[0];
    });
    if (!updated) throw new DomainError('goal_not_found', GOAL_NOT_FOUND);
    return { goal: toView(updated), changed: ['displayName'] };
  }

  /** Deletes the goal; answers it as it was. */
  async remove(siteId: string, goalId: string): Promise<GoalView> {
    if (!isUuid(goalId)) throw new DomainError('goal_not_found', GOAL_NOT_FOUND);
    const [rows]: [Goal[], number] = await this.dataSource.query(
      `DELETE FROM goals WHERE id = $1 AND site_id = $2
       RETURNING ${GOAL_COLUMNS}`,
      [goalId, siteId],
    );
    if (!rows[0]) throw new DomainError('goal_not_found', GOAL_NOT_FOUND);
    return toView(rows[0]);
  }

  /**
   * Makes the creations and renamings of the site's goals take turns, so that two at once cannot
   * pass the limit or take the same name together. NO KEY UPDATE does not wait for (or hold up)
   * the inserts of /track, which only need the key of the site row. What is read after it, in
   * statements of their own, includes what the one this waited for committed.
   */
  private async lockSite(em: EntityManager, siteId: string): Promise<void> {
    const locked: unknown[] = await em.query(
      'SELECT 1 FROM sites WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE',
      [siteId],
    );
    if (locked.length === 0) throw new DomainError('site_not_found', 'Site not found.');
  }

  /**
   * Refuses a name another goal of the site is shown with: the stats tell goals apart by name
   * (the filter `goal:is:<name>`).
   */
  private async checkNameFree(
    em: EntityManager,
    siteId: string,
    name: string,
    exceptGoalId?: string,
  ): Promise<void> {
    const taken: unknown[] = await em.query(
      `SELECT 1 FROM goals
        WHERE site_id = $1 AND id IS DISTINCT FROM $3::uuid
          AND coalesce(display_name, event_name, 'Visit ' || page_path) = $2
        LIMIT 1`,
      [siteId, name, exceptGoalId ?? null],
    );
    if (taken.length > 0) {
      throw new DomainError(
        'goal_exists',
        `Another goal of the site is called "${name}"; goals are told apart by name in the stats, so give this one another displayName.`,
      );
    }
  }

  private async find(siteId: string, goalId: string): Promise<Goal> {
    const goal = isUuid(goalId)
      ? await this.dataSource.getRepository(Goal).findOneBy({ id: goalId, siteId })
      : null;
    if (!goal) throw new DomainError('goal_not_found', GOAL_NOT_FOUND);
    return goal;
  }
}
