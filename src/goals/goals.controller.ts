import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Req,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { SiteAccess } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import { type Principal, type ResourceAccess, siteIdOf } from '../auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuditRecord } from '../audit/audit.service.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { CreateGoalDto, GoalDto, UpdateGoalDto } from './dto/goal.dto.js';
import { GoalsService, type GoalView, MAX_GOALS_PER_SITE } from './goals.service.js';

const INVALID = ApiBadRequestResponse({
  type: ErrorBodyDto,
  description: 'A field is missing, invalid or unknown; the message names each one.',
});

const GOAL_ID = ApiParam({
  name: 'goalId',
  format: 'uuid',
  description: 'A goal of the site; a goal of another site is not found (404).',
});

/** What a goal's audit entry says about it: what it counts. */
function describe(goal: GoalView): AuditRecord['details'] {
  return goal.kind === 'event'
    ? { kind: goal.kind, eventName: goal.eventName }
    : { kind: goal.kind, pagePath: goal.pagePath };
}

/** A site's goals: what the dashboard's goal settings call; the stats count conversions of them. */
@ApiTags('goals')
@Controller('api/sites/:siteId/goals')
export class GoalsController {
  constructor(
    private readonly goals: GoalsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @ApiOperation({ summary: "List the site's goals", description: 'Oldest first.' })
  @ApiOkResponse({ type: [GoalDto] })
  list(@CurrentAccess() access: ResourceAccess): Promise<GoalDto[]> {
    return this.goals.list(siteIdOf(access));
  }

  @Post()
  @SiteAccess('admin')
  @ApiOperation({
    summary: 'Add a goal',
    description: `A custom event by name (\`{ "eventName": "Signup" }\`) or pages by path (\`{ "pagePath": "/blog/*" }\`, \`*\` for any run of characters): exactly one of the two. A site has at most ${MAX_GOALS_PER_SITE} goals.`,
  })
  @ApiCreatedResponse({ type: GoalDto })
  @INVALID
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: `The site has this goal already, another goal with this name, or ${MAX_GOALS_PER_SITE} goals.`,
  })
  async create(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateGoalDto,
    @Req() req: Request,
  ): Promise<GoalDto> {
    const goal = await this.goals.create(siteIdOf(access), body);
    this.record(req, principal, access, goal, 'goal.created', describe(goal));
    return goal;
  }

  @Patch(':goalId')
  @SiteAccess('admin')
  @GOAL_ID
  @ApiOperation({
    summary: "Change a goal's display name",
    description:
      'Only the display name can change; for another event or path, add a new goal and delete this one.',
  })
  @ApiOkResponse({ type: GoalDto, description: 'The goal as it is now.' })
  @INVALID
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'Another goal of the site has this name.',
  })
  async update(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Param('goalId') goalId: string,
    @Body() body: UpdateGoalDto,
    @Req() req: Request,
  ): Promise<GoalDto> {
    const { goal, changed } = await this.goals.update(siteIdOf(access), goalId, body);
    if (changed.length > 0) {
      this.record(req, principal, access, goal, 'goal.updated', { fields: changed });
    }
    return goal;
  }

  @Delete(':goalId')
  @SiteAccess('admin')
  @GOAL_ID
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a goal',
    description: 'Only the definition goes; the traffic it counted stays.',
  })
  @ApiNoContentResponse({ description: 'Deleted. Empty body.' })
  async remove(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Param('goalId') goalId: string,
    @Req() req: Request,
  ): Promise<void> {
    const goal = await this.goals.remove(siteIdOf(access), goalId);
    this.record(req, principal, access, goal, 'goal.deleted', describe(goal));
  }

  private record(
    req: Request,
    actor: Principal,
    access: ResourceAccess,
    goal: GoalView,
    action: AuditRecord['action'],
    details: AuditRecord['details'],
  ): void {
    this.audit.record({
      action,
      actor,
      accountId: access.accountId,
      siteId: goal.siteId,
      target: { type: 'goal', id: goal.id },
      details,
      clientAddress: req.ip ?? null,
    });
  }
}
