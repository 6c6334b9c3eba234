import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Site } from '../../sites/entities/site.entity.js';
import { MAX_EVENT_NAME } from '../../tracking/dto/track-event.dto.js';
import { MAX_URL } from '../../tracking/page-url.js';

/** The longest event goal: the longest custom event name `/track` stores. */
export const MAX_GOAL_EVENT_NAME = MAX_EVENT_NAME;
/**
 * The longest page goal: the longest page path `/track` stores, in characters and in UTF-8 bytes.
 * The bytes bound keeps each entry of `UQ_goals_site_id_page_path` below the 2704 bytes a btree
 * entry may take (2048 characters of non-Latin text would be 4 to 8 KB).
 */
export const MAX_GOAL_PAGE_PATH = MAX_URL;
export const MAX_GOAL_DISPLAY_NAME = 120;

/**
 * A goal of a site: a custom event by its name (`event_name`), or pages by a path pattern
 * (`page_path`, `*` for any run of characters: see `goal-match.ts`); exactly one of the two. Each
 * event name and each pattern is a goal at most once per site. The unique indexes lead with
 * `site_id`, so they also serve "the goals of a site" and the cascade from `sites`.
 */
@Entity('goals')
@Index('UQ_goals_site_id_event_name', ['siteId', 'eventName'], { unique: true })
@Index('UQ_goals_site_id_page_path', ['siteId', 'pagePath'], { unique: true })
@Check('CHK_goals_one_kind', '(event_name IS NULL) <> (page_path IS NULL)')
@Check('CHK_goals_event_name_length', `char_length(event_name) BETWEEN 1 AND ${MAX_EVENT_NAME}`)
@Check(
  'CHK_goals_page_path',
  `left(page_path, 1) = '/' AND octet_length(page_path) <= ${MAX_GOAL_PAGE_PATH}`,
)
@Check(
  'CHK_goals_display_name_length',
  `char_length(display_name) BETWEEN 1 AND ${MAX_GOAL_DISPLAY_NAME}`,
)
export class Goal {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_goals' })
  id!: string;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_goals_site_id' })
  site?: Relation<Site>;

  /** The custom event's name, exactly as `/track` stores it (cleaned, trimmed, case kept). */
  @Column({ type: 'varchar', length: MAX_GOAL_EVENT_NAME, nullable: true })
  eventName!: string | null;

  /** A path pattern starting with `/`; `*` for any run of characters. */
  @Column({ type: 'varchar', length: MAX_GOAL_PAGE_PATH, nullable: true })
  pagePath!: string | null;

  /** What the dashboard calls the goal; null for the default ("Visit /blog/*", the event name). */
  @Column({ type: 'varchar', length: MAX_GOAL_DISPLAY_NAME, nullable: true })
  displayName!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
