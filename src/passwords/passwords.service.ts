import { Injectable } from '@nestjs/common';
import { hash, type Options, type ParsedHashOptions, parseOptions, verify } from '@node-rs/argon2';
import { CommonPasswordList } from './common-password-list.js';

/**
 * argon2id with the first setting of the OWASP Password Storage Cheat Sheet: at least 19 MiB of
 * memory, 2 passes, 1 lane (it lists equivalent trades of memory for passes, such as 46 MiB and
 * 1 pass). The lower memory is chosen because a small self-hosted server may hash on all four
 * libuv threads at once: 76 MiB at most instead of 184 MiB.
 * https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
 *
 * `Algorithm` and `Version` are const enums that isolatedModules cannot read, hence the numbers.
 */
export const ARGON2_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id
  version: 1, // Version.V0x13, `v=19` in the PHC string
  memoryCost: 19_456, // KiB
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const satisfies Options;

/** The salt length @node-rs/argon2 generates; a stored hash with a shorter one is re-made. */
const SALT_BYTES = 16;

/**
 * NIST SP 800-63B-4 (2025), section 3.1.1.2: a password that is the only factor shall have at
 * least 15 characters (8 is allowed only as part of multi-factor authentication, which Trackveil
 * does not have). OWASP's Authentication Cheat Sheet says the same. Length is what makes a
 * password strong; no composition rules are imposed, as both forbid them.
 */
export const MIN_PASSWORD_LENGTH = 15;

/**
 * Well above the 64 NIST asks verifiers to allow, so passphrases and password managers fit;
 * argon2 has no 72-byte limit like bcrypt, and the cap only bounds what one request can submit.
 */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * A hash of a random password nobody knows, made with ARGON2_OPTIONS: `dummyVerify` checks
 * against it so that an unknown account costs what a wrong password costs. A spec fails if it
 * falls behind ARGON2_OPTIONS.
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$EBShv+MxBFLiN2P81Y6/iw$yqydZlzfUIZnULZM+BPhUvgi2fOdsJelCKk/eRFVdj8';

export type PasswordRefusalReason =
  'too_short' | 'too_long' | 'only_white_space' | 'is_email' | 'is_name' | 'common';

export interface PasswordRefusal {
  reason: PasswordRefusalReason;
  /** A full sentence for the person choosing the password. */
  message: string;
}

/** What the password must not be: the e-mail address and name of the account it is for. */
export interface PasswordOwner {
  email?: string;
  name?: string;
}

/**
 * NIST SP 800-63B asks for NFKC or NFKD before hashing, so that the same password typed on
 * another keyboard or system (composed or decomposed accents, full-width forms) still matches.
 */
function normalize(text: string): string {
  return text.normalize('NFKC');
}

function comparable(text: string): string {
  return normalize(text).trim().toLowerCase();
}

@Injectable()
export class PasswordsService {
  constructor(private readonly commonPasswords: CommonPasswordList) {}

  /** The argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) to store. */
  async hash(password: string): Promise<string> {
    return hash(normalize(password), ARGON2_OPTIONS);
  }

  /**
   * Whether the password matches the stored hash; the library compares in constant time. Throws
   * when the stored value is not an argon2 hash, which is a fault of the data, not of the user.
   */
  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, normalize(password));
    } catch (error) {
      throw new Error(
        `The stored password hash is not an argon2 PHC string (${(error as Error).message}), so no password can match it. Set a new password for this user.`,
        { cause: error },
      );
    }
  }

  /**
   * Costs what `verify` costs with today's parameters and always answers false: call it when
   * there is no stored hash (an unknown e-mail address), so the answer takes as long as for a
   * wrong password.
   */
  async dummyVerify(password: string): Promise<false> {
    await verify(DUMMY_HASH, normalize(password));
    return false;
  }

  /**
   * Whether a stored hash was made with other parameters than today's (weaker ones, usually) or
   * is not an argon2id hash at all: after a successful sign-in, hash the password again and store
   * the new hash.
   */
  needsRehash(storedHash: string): boolean {
    let stored: ParsedHashOptions;
    try {
      stored = parseOptions(storedHash);
    } catch {
      return true;
    }
    return (
      Number(stored.algorithm) !== ARGON2_OPTIONS.algorithm ||
      Number(stored.version) !== ARGON2_OPTIONS.version ||
      stored.memoryCost !== ARGON2_OPTIONS.memoryCost ||
      stored.timeCost !== ARGON2_OPTIONS.timeCost ||
      stored.parallelism !== ARGON2_OPTIONS.parallelism ||
      stored.outputLen !== ARGON2_OPTIONS.outputLen ||
      stored.saltLen < SALT_BYTES
    );
  }

  /** Every reason a new password is refused; an empty list means it may be used. */
  checkNewPassword(password: string, owner: PasswordOwner = {}): PasswordRefusal[] {
    const refusals: PasswordRefusal[] = [];
    // Characters are Unicode code points, as NIST counts them, not UTF-16 units.
    const length = [...normalize(password)].length;
    if (length < MIN_PASSWORD_LENGTH) {
      refusals.push({
        reason: 'too_short',
        message: `The password has ${length} characters; use at least ${MIN_PASSWORD_LENGTH} (a few unrelated words make a long password that is easy to remember).`,
      });
    }
    if (length > MAX_PASSWORD_LENGTH) {
      refusals.push({
        reason: 'too_long',
        message: `The password has ${length} characters; use at most ${MAX_PASSWORD_LENGTH}.`,
      });
    }

    const candidate = comparable(password);
    if (length > 0 && candidate === '') {
      refusals.push({
        reason: 'only_white_space',
        message: 'The password is only white space; use letters, digits or other characters too.',
      });
      return refusals;
    }
    if (candidate === '') return refusals;

    const email = owner.email === undefined ? '' : comparable(owner.email);
    const localPart = email.includes('@') ? email.slice(0, email.lastIndexOf('@')).trim() : '';
    if (email !== '' && (candidate === email || candidate === localPart)) {
      refusals.push({
        reason: 'is_email',
        message:
          'The password is your e-mail address or its part before the @; choose one that has nothing to do with your account.',
      });
    }
    const name = owner.name === undefined ? '' : comparable(owner.name);
    if (name !== '' && candidate === name) {
      refusals.push({
        reason: 'is_name',
        message: 'The password is your name; choose one that has nothing to do with your account.',
      });
    }
    if (this.commonPasswords.has(candidate)) {
      refusals.push({
        reason: 'common',
        message:
          'The password is on a list of commonly used passwords, which attackers try first; choose another.',
      });
    }
    return refusals;
  }
}
