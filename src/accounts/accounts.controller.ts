import { Body, Controller, Get, Ip, NotFoundException, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AccountAccess, SignedIn } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import type { ResourceAccess, UserPrincipal } from '../auth/principal.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { AccountsService } from './accounts.service.js';
import { AccountDto, AccountNameDto } from './dto/account.dto.js';

const ACCOUNT_NOT_FOUND = 'Account not found.';

@ApiTags('accounts')
@Controller('api/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @SignedIn()
  @ApiOperation({ summary: "The caller's accounts, with their role in each" })
  @ApiOkResponse({ type: [AccountDto] })
  list(@CurrentPrincipal() principal: UserPrincipal): Promise<AccountDto[]> {
    return this.accounts.listForUser(principal.userId);
  }

  @Post()
  @SignedIn()
  @ApiOperation({ summary: 'Create an account; the caller becomes its owner' })
  @ApiCreatedResponse({ type: AccountDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A missing or too long name.' })
  create(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: AccountNameDto,
    @Ip() ip: string,
  ): Promise<AccountDto> {
    return this.accounts.createOwnedBy(principal, body.name, ip);
  }

  @Get(':accountId')
  @AccountAccess('viewer')
  @ApiOperation({ summary: "One account, with the caller's role in it" })
  @ApiOkResponse({ type: AccountDto })
  async get(@CurrentAccess() access: ResourceAccess): Promise<AccountDto> {
    const account = await this.accounts.findById(access.accountId);
    if (!account) throw new NotFoundException(ACCOUNT_NOT_FOUND);
    return { id: account.id, name: account.name, role: access.role, createdAt: account.createdAt };
  }

  @Patch(':accountId')
  @AccountAccess('admin', { keys: 'none' })
  @ApiOperation({ summary: 'Rename an account (admins and owners)' })
  @ApiOkResponse({ type: AccountDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A missing or too long name.' })
  async rename(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: AccountNameDto,
    @Ip() ip: string,
  ): Promise<AccountDto> {
    const account = await this.accounts.rename(access.accountId, body.name, principal, ip);
    if (!account) throw new NotFoundException(ACCOUNT_NOT_FOUND);
    return { id: account.id, name: account.name, role: access.role, createdAt: account.createdAt };
  }
}
