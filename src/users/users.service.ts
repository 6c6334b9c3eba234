import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { violatedUniqueConstraint } from '../database/database-errors.js';
import { type PasswordRefusal, PasswordsService } from '../passwords/passwords.service.js';
import { Membership, type MembershipRole } from './entities/membership.entity.js';
import { User } from './entities/user.entity.js';

export interface CreateUserInput {
  email: string;
  name?: string;
  /** Checked against the password policy and stored only as its argon2id hash. */
  password?: string;
  /** An account to add the new user to, in the same transaction. */
  membership?: { accountId: string; role: MembershipRole };
}

export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  hasPassword: boolean;
  createdAt: Date;
  memberships: { accountId: string; accountName: string; role: MembershipRole }[];
}

/** A new password the policy refuses; `refusals` holds every reason. */
export class PasswordRefusedError extends DomainError {
  constructor(readonly refusals: PasswordRefusal[]) {
    super('password_refused', refusals.map((refusal) => refusal.message).join(' '));
  }
}

/** Trimmed and lower-cased, as `users.email` stores it; throws when it cannot be an address. */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  const at = normalized.lastIndexOf('@');
  if (
    normalized.length < 3 ||
    normalized.length > 320 ||
    at < 1 ||
    at === normalized.length - 1 ||
    /\s/.test(normalized)
  ) {
    throw new DomainError(
      'invalid_email',
      `"${email.trim()}" is not an e-mail address; give one like ann@example.com (at most 320 characters, no spaces).`,
    );
  }
  return normalized;
}

/** Owns `users` and `memberships`. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordsService,
  ) {}

  /**
   * Creates a user; with `em`, inside the caller's transaction (an accepted invitation creates the
   * user, the membership and marks the invitation used in one commit).
   */
  async create(input: CreateUserInput, em?: EntityManager): Promise<User> {
    const email = normalizeEmail(input.email);
    const name = input.name?.trim() || null;
    if (name !== null && name.length > 200) {
      throw new DomainError('invalid_name', 'A name must be at most 200 characters long.');
    }
    let passwordHash: string | null = null;
    if (input.password !== undefined) {
      const refusals = this.passwords.checkNewPassword(input.password, {
        email,
        name: name ?? undefined,
      });
      if (refusals.length > 0) throw new PasswordRefusedError(refusals);
      // Hashed before the transaction opens: argon2id takes tens of milliseconds on purpose.
      passwordHash = await this.passwords.hash(input.password);
    }
    const insert = async (manager: EntityManager): Promise<User> => {
      const repository = manager.getRepository(User);
      const user = await repository.save(repository.create({ email, name, passwordHash }));
      if (input.membership) {
        await this.addMember(input.membership.accountId, user.id, input.membership.role, manager);
      }
      return user;
    };
    try {
      return await (em ? insert(em) : this.dataSource.transaction(insert));
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'UQ_users_email') throw emailTaken(email);
      throw error;
    }
  }

  /** Adds a user to an account; a user has one role per account. */
  async addMember(
    accountId: string,
    userId: string,
    role: MembershipRole,
    em: EntityManager = this.dataSource.manager,
  ): Promise<Membership> {
    const repository = em.getRepository(Membership);
    try {
      // insert(), not save(): save() would quietly change the role of an existing membership.
      await repository.insert({ accountId, userId, role });
      return await repository.findOneByOrFail({ accountId, userId });
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'PK_memberships') {
        throw new DomainError(
          'membership_exists',
          'This user is already a member of that account; change their role instead of adding them again.',
        );
      }
      throw error;
    }
  }

  /**
   * Makes `email` an owner of the account inside the caller's transaction, creating the user
   * (without a password) when there is none: what `sites create --owner-email` asks for.
   */
  async ensureOwner(em: EntityManager, accountId: string, email: string): Promise<User> {
    const normalized = normalizeEmail(email);
    await em.query(`INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING`, [
      normalized,
    ]);
    const user = await em.getRepository(User).findOneByOrFail({ email: normalized });
    await em.query(
      `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, 'owner')
       ON CONFLICT (account_id, user_id) DO UPDATE SET role = 'owner'`,
      [accountId, user.id],
    );
    return user;
  }

  /**
   * Sets the password of a user who has none yet (made by the CLI without one), inside the
   * caller's transaction, after the policy check; false when the user has a password by now
   * (then nothing changes: a password is changed by its owner, signed in, or by a reset).
   */
  async setFirstPassword(em: EntityManager, user: User, password: string): Promise<boolean> {
    const refusals = this.passwords.checkNewPassword(password, {
      email: user.email,
      name: user.name ?? undefined,
    });
    if (refusals.length > 0) throw new PasswordRefusedError(refusals);
    const passwordHash = await this.passwords.hash(password);
    const [, affected]: [unknown, number] = await em.query(
      'UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 AND password_hash IS NULL',
      [user.id, passwordHash],
    );
    return affected > 0;
  }

  /** Whether the user has set a password (the hash itself is never read here). */
  async hasPassword(userId: string): Promise<boolean> {
    const [row]: { has_password: boolean }[] = await this.dataSource.query(
      'SELECT password_hash IS NOT NULL AS has_password FROM users WHERE id = $1',
      [userId],
    );
    return row?.has_password ?? false;
  }

  async findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ email: email.trim().toLowerCase() });
  }

  /** Every user with their memberships, oldest first; never the password hash. */
  async list(): Promise<UserSummary[]> {
    const rows: {
      id: string;
      email: string;
      name: string | null;
      has_password: boolean;
      created_at: Date;
      memberships: { accountId: string; accountName: string; role: MembershipRole }[];
    }[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.name, u.password_hash IS NOT NULL AS has_password, u.created_at,
              coalesce(json_agg(json_build_object('accountId', a.id, 'accountName', a.name, 'role', m.role)
                                ORDER BY a.name, a.id) FILTER (WHERE m.user_id IS NOT NULL), '[]') AS memberships
         FROM users u
         LEFT JOIN memberships m ON m.user_id = u.id
         LEFT JOIN accounts a ON a.id = m.account_id
        GROUP BY u.id
        ORDER BY u.created_at, u.id`,
    );
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      hasPassword: row.has_password,
      createdAt: row.created_at,
      memberships: row.memberships,
    }));
  }
}

/** The refusal of a second user with an address in use (normalized). */
export function emailTaken(email: string): DomainError {
  return new DomainError(
    'email_taken',
    `A user with the e-mail address ${email} already exists; choose another address, or add that user to the account instead.`,
  );
}
