import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { Public, SignedIn } from '../auth/access-rules.js';
import { CurrentPrincipal } from '../auth/current.decorators.js';
import type { UserPrincipal } from '../auth/principal.js';
import { UserSessionsService } from '../auth/user-sessions.service.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { AuthRateLimits } from './auth-rate-limits.js';
import {
  ChangePasswordDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  PasswordResetRequestedDto,
  RegistrationDto,
  SessionDocumentDto,
  SignInDto,
  SignUpDto,
  UserSessionDto,
} from './dto/auth.dto.js';
import { PasswordResetsService, RESET_REQUESTED } from './password-resets.service.js';
import { SignInService } from './sign-in.service.js';

const TOO_MANY = ApiTooManyRequestsResponse({
  type: ErrorBodyDto,
  description:
    'Too many attempts for this e-mail address or from this network; `Retry-After` says how many seconds to wait.',
  headers: {
    'Retry-After': {
      description: 'Seconds to wait before trying again.',
      schema: { type: 'integer' },
    },
  },
});
const BAD_BODY = ApiBadRequestResponse({
  type: ErrorBodyDto,
  description:
    'A missing or malformed field, or a new password the policy refuses (with every reason).',
});

/**
 * Sign-up, sign-in and sign-out, the user's sessions, password change and reset. The session
 * cookie is httpOnly and SameSite=Lax; writes with it must come from this server's pages (see
 * `ApiRequestMiddleware`), sign-in included, so another site cannot sign a browser in.
 */
@ApiTags('auth')
@Controller('api/auth')
export class AuthFlowsController {
  constructor(
    private readonly signIns: SignInService,
    private readonly resets: PasswordResetsService,
    private readonly sessions: UserSessionsService,
    private readonly limits: AuthRateLimits,
    private readonly audit: AuditService,
  ) {}

  @Get('registration')
  @Public()
  @ApiOperation({
    summary: 'Who may sign up',
    description:
      'The REGISTRATION policy, and whether someone could sign up now without an invitation.',
  })
  @ApiOkResponse({ type: RegistrationDto })
  async registration(): Promise<RegistrationDto> {
    return { policy: this.signIns.policy, signUpOpen: await this.signIns.signUpOpen() };
  }

  @Post('sign-up')
  @Public()
  @ApiOperation({
    summary: 'Sign up and sign in',
    description:
      'REGISTRATION=first: only while no user has a password; the first user owns every account without an owner. `open`: anyone, with a new account. `invite`: refused (accept an invitation instead). Sets the session cookie.',
  })
  @ApiCreatedResponse({ type: SessionDocumentDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Sign-up needs an invitation now.' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The e-mail address is in use.' })
  @BAD_BODY
  @TOO_MANY
  async signUp(
    @Body() body: SignUpDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionDocumentDto> {
    await this.limits.signUp(req, res);
    return this.signIns.signUp(body, req, res);
  }

  @Post('sign-in')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in',
    description:
      'Checks the e-mail address and password and sets the session cookie. Every failure gets the same 401.',
  })
  @ApiOkResponse({ type: SessionDocumentDto })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'E-mail or password is wrong.' })
  @BAD_BODY
  @TOO_MANY
  async signIn(
    @Body() body: SignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionDocumentDto> {
    await this.limits.signIn(req, res, body.email);
    return this.signIns.signIn(body, req, res);
  }

  @Post('sign-out')
  @SignedIn()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out', description: 'Ends this session and clears its cookie.' })
  @ApiNoContentResponse({ description: 'Signed out.' })
  async signOut(
    @CurrentPrincipal() principal: UserPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.end(principal.userId, principal.sessionId);
    this.sessions.cookie.clear(res);
    this.audit.record({ action: 'auth.sign_out', actor: principal, clientAddress: req.ip });
  }

  @Get('session')
  @SignedIn()
  @ApiOperation({
    summary: 'The signed-in user',
    description: 'The user, the accounts they belong to with their role in each, and this session.',
  })
  @ApiOkResponse({ type: SessionDocumentDto })
  session(@CurrentPrincipal() principal: UserPrincipal): Promise<SessionDocumentDto> {
    return this.signIns.sessionDocument(principal.userId, principal.sessionId);
  }

  @Get('sessions')
  @SignedIn()
  @ApiOperation({
    summary: 'The user’s sessions',
    description: 'Every live sign-in of the user (browsers, devices), most recently used first.',
  })
  @ApiOkResponse({ type: [UserSessionDto] })
  listSessions(@CurrentPrincipal() principal: UserPrincipal): Promise<UserSessionDto[]> {
    return this.sessions.list(principal.userId, principal.sessionId);
  }

  @Delete('sessions/:sessionId')
  @SignedIn()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End one of the user’s sessions',
    description:
      'Signs that browser out ("sign out that device"). Ending the current one signs out.',
  })
  @ApiNoContentResponse({ description: 'The session has ended.' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such session among the user’s.' })
  async revokeSession(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('sessionId', new ParseUUIDPipe()) sessionId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (!(await this.sessions.end(principal.userId, sessionId))) {
      throw new NotFoundException(
        'None of your sessions has this id; list them with GET /api/auth/sessions.',
      );
    }
    if (sessionId === principal.sessionId) this.sessions.cookie.clear(res);
    this.audit.record({
      action: 'auth.session_revoked',
      actor: principal,
      target: { type: 'user_session', id: sessionId },
      clientAddress: req.ip,
    });
  }

  @Post('password')
  @SignedIn()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Change the password',
    description:
      'Needs the current password. Every other session of the user ends; this one stays.',
  })
  @ApiNoContentResponse({ description: 'The password is changed.' })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'The current password is wrong, or the new one is refused (with every reason).',
  })
  @TOO_MANY
  async changePassword(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: ChangePasswordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.limits.passwordChange(res, principal.userId);
    await this.signIns.changePassword(principal.userId, principal.sessionId, body, req.ip);
  }

  @Post('password-reset')
  @Public()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Ask for a password-reset link',
    description:
      'Always the same 202, whether or not a user has the address. For a user, a one-time link (valid 1 hour) is e-mailed through SMTP_URL; without SMTP_URL an operator makes one with `npm run cli -- users reset-password --email …`.',
  })
  @ApiAcceptedResponse({ type: PasswordResetRequestedDto })
  @BAD_BODY
  @TOO_MANY
  async requestReset(
    @Body() body: PasswordResetRequestDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PasswordResetRequestedDto> {
    await this.limits.resetRequest(req, res, body.email);
    // After the answer ('close' comes after it is sent, or when the client hangs up first):
    // whether the address is known must not show in the time the answer takes.
    const clientAddress = req.ip;
    res.once('close', () => void this.resets.requestInBackground(body.email, clientAddress));
    return { message: RESET_REQUESTED };
  }

  @Post('password-reset/confirm')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Choose a new password through a reset link',
    description:
      'The link works once, within an hour. Every session of the user ends; sign in with the new password.',
  })
  @ApiNoContentResponse({ description: 'The password is set.' })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description:
      'The link has expired, was used or replaced, or the new password is refused (with every reason).',
  })
  async confirmReset(@Body() body: PasswordResetConfirmDto, @Req() req: Request): Promise<void> {
    await this.resets.confirm(body.token, body.newPassword, req.ip);
  }
}
