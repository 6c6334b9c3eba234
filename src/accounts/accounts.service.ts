import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { UserPrincipal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import type { MembershipRole } from '../users/entities/membership.entity.js';
import { UsersService } from '../users/users.service.js';
import { Account } from './entities/account.entity.js';
import { isUuid } from '../common/uuid.js';

/** An account as its members see it: with their own role there. */
export interface AccountWithRole {
  id: string;
  name: string;
  role: MembershipRole;
  createdAt: Date;
}

/** Trimmed; 1 to 200 characters, as `CHK_accounts_name_length` requires. */
function accountName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 200) {
    throw new DomainError(
      'invalid_name',
      'An account name must be 1 to 200 characters long once trimmed.',
    );
  }
  return trimmed;
}

/** Owns `accounts`; memberships are asked of `UsersService`. */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** Creates an account inside the caller's transaction. */
  async create(em: EntityManager, name: string): Promise<Account> {
    return em.getRepository(Account).save(em.getRepository(Account).create({ name }));
  }

  /** A new account whose first (and only) member is `userId`, as its owner: one commit. */
  async createOwnedBy(
    actor: UserPrincipal,
    name: string,
    clientAddress?: string,
  ): Promise<AccountWithRole> {
    const account = await this.dataSource.transaction(async (em) => {
      const created = await this.create(em, accountName(name));
      await this.users.addMember(created.id, actor.userId, 'owner', em);
      return created;
    });
    this.audit.record({
      action: 'account.created',
      actor,
      accountId: account.id,
      target: { type: 'account', id: account.id },
      clientAddress,
    });
    return { id: account.id, name: account.name, role: 'owner', createdAt: account.createdAt };
  }

  /** The accounts the user is a member of, with their role in each, by name. */
  async listForUser(userId: string): Promise<AccountWithRole[]> {
    const rows: { id: string; name: string; role: MembershipRole; created_at: Date }[] =
      await this.dataSource.query(
        `SELECT a.id, a.name, m.role, a.created_at
           FROM memberships m JOIN accounts a ON a.id = m.account_id
          WHERE m.user_id = $1
          ORDER BY a.name, a.id`,
        [userId],
      );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
    }));
  }

  /** The account by id; null when there is none. */
  async findById(id: string): Promise<Account | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(Account).findOneBy({ id: id.toLowerCase() });
  }

  /** Renames the account; null when there is none. */
  async rename(
    id: string,
    name: string,
    actor: UserPrincipal,
    clientAddress?: string,
  ): Promise<Account | null> {
    const repository = this.dataSource.getRepository(Account);
    const account = await this.findById(id);
    if (!account) return null;
    account.name = accountName(name);
    const saved = await repository.save(account);
    this.audit.record({
      action: 'account.updated',
      actor,
      accountId: saved.id,
      target: { type: 'account', id: saved.id },
      details: { fields: ['name'] },
      clientAddress,
    });
    return saved;
  }

  async findByName(em: EntityManager, name: string): Promise<Account | null> {
    return em.getRepository(Account).findOne({ where: { name }, order: { createdAt: 'ASC' } });
  }

  /** The account with this id, or every account with this name (names need not be unique). */
  async findByNameOrId(em: EntityManager, nameOrId: string): Promise<Account[]> {
    const repository = em.getRepository(Account);
    if (isUuid(nameOrId)) {
      const account = await repository.findOneBy({ id: nameOrId.toLowerCase() });
      if (account) return [account];
    }
    return repository.find({ where: { name: nameOrId.trim() }, order: { createdAt: 'ASC' } });
  }
}
