import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { User, type UserRole } from './entities/user.entity.js';

export interface CreateUserInput {
  accountId: string;
  email: string;
  name?: string;
  role: UserRole;
}

@Injectable()
export class UsersService {
  /** Creates a user inside the caller's transaction; e-mail addresses are stored lower-cased. */
  async create(em: EntityManager, input: CreateUserInput): Promise<User> {
    const repository = em.getRepository(User);
    return repository.save(
      repository.create({
        accountId: input.accountId,
        email: input.email.trim().toLowerCase(),
        name: input.name ?? null,
        role: input.role,
      }),
    );
  }
}
