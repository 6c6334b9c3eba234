import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, ValidateIf } from 'class-validator';
import {
  MAX_GOAL_DISPLAY_NAME,
  MAX_GOAL_EVENT_NAME,
  MAX_GOAL_PAGE_PATH,
} from '../entities/goal.entity.js';
import { GOAL_KINDS, type GoalKind } from '../goals.service.js';

/** A field that may be left out, but not sent as null. */
const Omittable = () => ValidateIf((_object, value: unknown) => value !== undefined);

const EVENT_NAME = {
  description: `An event goal: the custom event's name as the tracker sends it (\`trackveil('Signup')\`), case-sensitive; 1 to ${MAX_GOAL_EVENT_NAME} characters. Give this or \`pagePath\`, not both.`,
  example: 'Signup',
  minLength: 1,
  maxLength: MAX_GOAL_EVENT_NAME,
};
const PAGE_PATH = {
  description: `A page goal: a path starting with \`/\`, matched against the whole path of each page view (no query string or fragment), case-sensitively. \`*\` stands for any run of characters, \`/\` included: \`/blog/*\` matches \`/blog/a\` and \`/blog/a/b\` but not \`/blog\`. Percent-escapes are decoded as in stored paths. At most ${MAX_GOAL_PAGE_PATH} characters. Give this or \`eventName\`, not both.`,
  example: '/blog/*',
  maxLength: MAX_GOAL_PAGE_PATH,
};
const DISPLAY_NAME = {
  description: `What the dashboard calls the goal, 1 to ${MAX_GOAL_DISPLAY_NAME} characters; without one, \`name\` is the event name or "Visit <pagePath>". No two goals of a site may have the same \`name\` (the stats filter \`goal:is:<name>\` picks a goal by it).`,
  example: 'Read the blog',
  maxLength: MAX_GOAL_DISPLAY_NAME,
};

export class CreateGoalDto {
  @ApiPropertyOptional(EVENT_NAME)
  @Omittable()
  @IsString()
  eventName?: string;

  @ApiPropertyOptional(PAGE_PATH)
  @Omittable()
  @IsString()
  pagePath?: string;

  @ApiPropertyOptional({
    ...DISPLAY_NAME,
    description: `${DISPLAY_NAME.description} Blank counts as none.`,
  })
  @Omittable()
  @IsString()
  displayName?: string;
}

export class UpdateGoalDto {
  @ApiPropertyOptional({
    ...DISPLAY_NAME,
    type: String,
    nullable: true,
    description: `${DISPLAY_NAME.description} null or blank removes it. Left out, nothing changes.`,
  })
  @ValidateIf((_object, value: unknown) => value !== undefined && value !== null)
  @IsString()
  displayName?: string | null;
}

export class GoalDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  siteId!: string;

  @ApiProperty({
    enum: GOAL_KINDS,
    description: '`event` (a custom event by name) or `page` (page views by path pattern).',
  })
  kind!: GoalKind;

  @ApiProperty({ ...EVENT_NAME, type: String, nullable: true, description: 'Null for page goals.' })
  eventName!: string | null;

  @ApiProperty({ ...PAGE_PATH, type: String, nullable: true, description: 'Null for event goals.' })
  pagePath!: string | null;

  @ApiProperty({ ...DISPLAY_NAME, type: String, nullable: true, description: 'Null when not set.' })
  displayName!: string | null;

  @ApiProperty({
    description: 'What to show: `displayName`, else the event name, else "Visit <pagePath>".',
    example: 'Visit /blog/*',
  })
  name!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}
