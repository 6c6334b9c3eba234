import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AccountAccess, Public } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import type { ResourceAccess, UserPrincipal } from '../auth/principal.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import {
  AcceptedInvitationDto,
  AcceptInvitationDto,
  CreatedInvitationDto,
  CreateInvitationDto,
  InvitationPreviewDto,
  InvitationTokenDto,
  PendingInvitationDto,
} from './dto/invitation.dto.js';
import { InvitationsService } from './invitations.service.js';

/** An account's invitations: admins and owners, people only. */
@ApiTags('invitations')
@Controller('api/accounts/:accountId/invitations')
export class AccountInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: 'Also: an admin inviting an owner (only owners may).',
  })
  @AccountAccess('admin', { keys: 'none' })
  @ApiOperation({
    summary: 'Invite an e-mail address to the account with a role',
    description:
      'With SMTP_URL the link is e-mailed and not returned; without it (or when sending fails) the link is in this answer, once. A pending invitation for the same address is replaced.',
  })
  @ApiCreatedResponse({ type: CreatedInvitationDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A bad e-mail address or role.' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The address is already a member.' })
  create(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: CreateInvitationDto,
    @Ip() ip: string,
  ): Promise<CreatedInvitationDto> {
    return this.invitations.create(
      access.accountId,
      {
        userId: principal.userId,
        sessionId: principal.sessionId,
        role: access.role,
        clientAddress: ip,
      },
      body.email,
      body.role,
    );
  }

  @Get()
  @AccountAccess('admin', { keys: 'none' })
  @ApiOperation({ summary: 'The pending invitations of the account (never their links)' })
  @ApiOkResponse({ type: [PendingInvitationDto] })
  list(@CurrentAccess() access: ResourceAccess): Promise<PendingInvitationDto[]> {
    return this.invitations.listPending(access.accountId);
  }

  @Delete(':invitationId')
  @HttpCode(204)
  // Above the access rule: OpenAPI joins this to its generic 404 description.
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description:
      "Also: no pending invitation with this id in this account (another account's, accepted or revoked).",
  })
  @AccountAccess('admin', { keys: 'none' })
  @ApiOperation({ summary: 'Revoke a pending invitation: its link stops working' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  async revoke(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('invitationId') invitationId: string,
    @Ip() ip: string,
  ): Promise<void> {
    await this.invitations.revoke(
      access.accountId,
      { userId: principal.userId, sessionId: principal.sessionId, clientAddress: ip },
      invitationId,
    );
  }
}

/**
 * The invited person's side: public, since they may have no user yet. The token travels in the
 * body (the link has it in the fragment, which browsers do not send), never in a URL.
 */
@ApiTags('invitations')
@Controller('api/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('lookup')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'What an invitation link invites to (for the accept page)' })
  @ApiOkResponse({ type: InvitationPreviewDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'No token.' })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'An unknown, expired, used or revoked link (one answer for all).',
  })
  lookup(@Body() body: InvitationTokenDto): Promise<InvitationPreviewDto> {
    return this.invitations.lookup(body.token);
  }

  @Post('accept')
  @Public()
  @ApiOperation({
    summary: 'Accept an invitation',
    description:
      'Signed in (session cookie): as the invited address. Not signed in: creates the user with `password` (or sets the first password of a user made without one) and signs them in; a user who has a password signs in first.',
  })
  @ApiCreatedResponse({ type: AcceptedInvitationDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'A password is needed, or the policy refuses it.',
  })
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: 'Signed in as another address than the invited one.',
  })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'An unknown, expired, used or revoked link (one answer for all).',
  })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'The address has a user with a password (sign in first), or is already a member.',
  })
  accept(
    @Body() body: AcceptInvitationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AcceptedInvitationDto> {
    return this.invitations.accept(body.token, body, req, res);
  }
}
