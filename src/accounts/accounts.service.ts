import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Account } from './entities/account.entity.js';

@Injectable()
export class AccountsService {
  /** Creates an account inside the caller's transaction. */
  async create(em: EntityManager, name: string): Promise<Account> {
    return em.getRepository(Account).save(em.getRepository(Account).create({ name }));
  }

  async findByName(em: EntityManager, name: string): Promise<Account | null> {
    return em.getRepository(Account).findOne({ where: { name }, order: { createdAt: 'ASC' } });
  }
}
