import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Account } from './entities/account.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AccountsService {
  /** Creates an account inside the caller's transaction. */
  async create(em: EntityManager, name: string): Promise<Account> {
    return em.getRepository(Account).save(em.getRepository(Account).create({ name }));
  }

  async findByName(em: EntityManager, name: string): Promise<Account | null> {
    return em.getRepository(Account).findOne({ where: { name }, order: { createdAt: 'ASC' } });
  }

  /** The account with this id, or every account with this name (names need not be unique). */
  async findByNameOrId(em: EntityManager, nameOrId: string): Promise<Account[]> {
    const repository = em.getRepository(Account);
    if (UUID.test(nameOrId)) {
      const account = await repository.findOneBy({ id: nameOrId.toLowerCase() });
      if (account) return [account];
    }
    return repository.find({ where: { name: nameOrId.trim() }, order: { createdAt: 'ASC' } });
  }
}
