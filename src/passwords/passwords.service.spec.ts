import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { type Algorithm, hash as argon2Hash } from '@node-rs/argon2';
import { COMMON_PASSWORDS_FILE, CommonPasswordList } from './common-password-list.js';
import { PasswordsModule } from './passwords.module.js';
import {
  ARGON2_OPTIONS,
  DUMMY_HASH,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  PasswordsService,
} from './passwords.service.js';

const TOO_SHORT = (length: number) =>
  `The password has ${length} characters; use at least 15 (a few unrelated words make a long password that is easy to remember).`;
const TOO_LONG = (length: number) => `The password has ${length} characters; use at most 256.`;
const ONLY_WHITE_SPACE =
  'The password is only white space; use letters, digits or other characters too.';
const IS_EMAIL =
  'The password is your e-mail address or its part before the @; choose one that has nothing to do with your account.';
const IS_NAME = 'The password is your name; choose one that has nothing to do with your account.';
const COMMON =
  'The password is on a list of commonly used passwords, which attackers try first; choose another.';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

describe('CommonPasswordList', () => {
  const list = new CommonPasswordList('123456\r\nPassword\n\nletmein\n');

  it('should match a listed password in any letter case and with surrounding spaces', () => {
    expect(list.has('password')).toBe(true);
    expect(list.has('PASSWORD')).toBe(true);
    expect(list.has('  LetMeIn ')).toBe(true);
    expect(list.has('123456')).toBe(true);
  });

  it('should match whole lines only, never a part of one or two lines together', () => {
    expect(list.has('passwor')).toBe(false);
    expect(list.has('assword')).toBe(false);
    expect(list.has('password1')).toBe(false);
    expect(list.has('123456\npassword')).toBe(false);
    expect(list.has('')).toBe(false);
    expect(list.has('   ')).toBe(false);
  });

  it('should stop the start with a sentence when the file is missing or empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trackveil-passwords-'));
    try {
      expect(() => CommonPasswordList.fromFile(join(dir, 'missing.txt'))).toThrow(
        /^Cannot read the common password list .*missing\.txt \(.*\)\. Run `npm run build`, which copies it beside the compiled code\.$/,
      );
      writeFileSync(join(dir, 'empty.txt'), '\n \n');
      expect(() => CommonPasswordList.fromFile(join(dir, 'empty.txt'))).toThrow(
        /^The common password list .*empty\.txt is empty\. Restore it from the repository/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should ship a list of one trimmed, lower-case, distinct password a line, loaded in a few ms', () => {
    const lines = readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBeGreaterThan(10_000);
    expect(lines.filter((line) => line !== line.trim().toLowerCase() || line === '')).toEqual([]);
    expect(new Set(lines).size).toBe(lines.length);

    const start = performance.now();
    const shipped = CommonPasswordList.fromFile();
    const loadMs = performance.now() - start;
    console.log(`common password list: ${lines.length} entries loaded in ${loadMs.toFixed(1)} ms`);
    expect(loadMs).toBeLessThan(500);
    expect(lines.filter((line, index) => index % 997 === 0 && !shipped.has(line))).toEqual([]);
    expect(shipped.has(lines[lines.length - 1].toUpperCase())).toBe(true);
  });
});

describe('PasswordsService', () => {
  let passwords: PasswordsService;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PasswordsModule] }).compile();
    passwords = moduleRef.get(PasswordsService);
  });

  describe('hash and verify', () => {
    it('should return an argon2id PHC string with the OWASP parameters and a fresh salt', async () => {
      const first = await passwords.hash('correct horse battery staple');
      const second = await passwords.hash('correct horse battery staple');
      expect(first).toMatch(
        /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
      );
      expect(second).not.toBe(first);
    });

    it('should verify the right password and refuse a wrong one', async () => {
      const stored = await passwords.hash('correct horse battery staple');
      await expect(passwords.verify(stored, 'correct horse battery staple')).resolves.toBe(true);
      await expect(passwords.verify(stored, 'correct horse battery stapl')).resolves.toBe(false);
      await expect(passwords.verify(stored, 'Correct horse battery staple')).resolves.toBe(false);
    });

    it('should verify a password typed with decomposed accents against one hashed composed', async () => {
      const stored = await passwords.hash('crème brûlée au café');
      const decomposed = 'crème brûlée au café'.normalize('NFD');
      expect(decomposed).not.toBe('crème brûlée au café');
      await expect(passwords.verify(stored, decomposed)).resolves.toBe(true);
    });

    it('should throw a sentence when the stored value is not an argon2 hash', async () => {
      await expect(passwords.verify('not a hash', 'whatever')).rejects.toThrow(
        /^The stored password hash is not an argon2 PHC string \(.*\), so no password can match it\. Set a new password for this user\.$/,
      );
    });

    it('should print the cost of a hash and a verification, within a loose bound', async () => {
      const runs = 5;
      const hashMs: number[] = [];
      const verifyMs: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        let stored = '';
        hashMs.push(
          await timed(async () => {
            stored = await passwords.hash(`passphrase number ${i} of the cost test`);
          }),
        );
        verifyMs.push(
          await timed(() => passwords.verify(stored, `passphrase number ${i} of the cost test`)),
        );
      }
      console.log(
        `argon2id m=${ARGON2_OPTIONS.memoryCost} KiB, t=${ARGON2_OPTIONS.timeCost}, p=${ARGON2_OPTIONS.parallelism}: ` +
          `${median(hashMs).toFixed(1)} ms per hash, ${median(verifyMs).toFixed(1)} ms per verification ` +
          `(medians of ${runs}; hashes ${hashMs.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
      );
      // Not too cheap (the memory-hard work is done), not so slow a busy 2-core machine fails.
      expect(median(hashMs)).toBeGreaterThan(2);
      expect(median(hashMs)).toBeLessThan(2_000);
    });
  });

  describe('needsRehash', () => {
    const weaker = (options: {
      memoryCost?: number;
      timeCost?: number;
      parallelism?: number;
      algorithm?: Algorithm;
    }) => argon2Hash('an old password', { ...ARGON2_OPTIONS, ...options });

    it('should not ask to re-hash a hash made today', async () => {
      expect(passwords.needsRehash(await passwords.hash('a password of today'))).toBe(false);
    });

    it.each([
      ['less memory', { memoryCost: 4_096 }],
      ['fewer passes', { timeCost: 1 }],
      ['other parallelism', { parallelism: 2 }],
      ['argon2i instead of argon2id', { algorithm: 1 as Algorithm }],
    ])('should ask to re-hash a hash made with %s', async (_, options) => {
      const stored = await weaker(options);
      expect(stored).not.toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(passwords.needsRehash(stored)).toBe(true);
      await expect(passwords.verify(stored, 'an old password')).resolves.toBe(true);
    });

    it('should ask to re-hash a value that is not an argon2 hash', () => {
      expect(
        passwords.needsRehash('$2b$10$abcdefghijklmnopqrstuu5Yx0d0cXnJ8qkq6Qf3y8mE2rY8mE2rY'),
      ).toBe(true);
      expect(passwords.needsRehash('')).toBe(true);
    });
  });

  describe('dummyVerify', () => {
    it('should use a hash with the parameters of today, so that it costs what a verification costs', () => {
      expect(passwords.needsRehash(DUMMY_HASH)).toBe(false);
    });

    it('should answer false whatever the password', async () => {
      await expect(passwords.dummyVerify('')).resolves.toBe(false);
      await expect(passwords.dummyVerify('correct horse battery staple')).resolves.toBe(false);
    });

    it('should take about as long as verifying a wrong password against a stored hash', async () => {
      const stored = await passwords.hash('the real password of a real user');
      const real: number[] = [];
      const dummy: number[] = [];
      // Interleaved, so a burst of load on the shared machine hits both series alike.
      for (let i = 0; i < 7; i += 1) {
        real.push(await timed(() => passwords.verify(stored, 'a wrong password guess')));
        dummy.push(await timed(() => passwords.dummyVerify('a wrong password guess')));
      }
      const ratio = median(dummy) / median(real);
      console.log(
        `wrong password ${median(real).toFixed(1)} ms, unknown account ${median(dummy).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`,
      );
      expect(ratio).toBeGreaterThan(1 / 3);
      expect(ratio).toBeLessThan(3);
    });
  });

  describe('checkNewPassword', () => {
    const owner = { email: 'Ada.Lovelace.Byron@Example.org', name: 'Augusta Ada King-Noel' };

    it('should accept a long random passphrase', () => {
      const passphrase = randomBytes(24).toString('base64url');
      expect(passwords.checkNewPassword(passphrase, owner)).toEqual([]);
    });

    it(`should accept exactly ${MIN_PASSWORD_LENGTH} and ${MAX_PASSWORD_LENGTH} characters`, () => {
      expect(passwords.checkNewPassword('violet tin bell', owner)).toEqual([]);
      expect(passwords.checkNewPassword('x7'.repeat(MAX_PASSWORD_LENGTH / 2), owner)).toEqual([]);
    });

    it('should refuse a password shorter than the minimum, saying how long it is', () => {
      expect(passwords.checkNewPassword('violet tin bel', owner)).toEqual([
        { reason: 'too_short', message: TOO_SHORT(14) },
      ]);
      expect(passwords.checkNewPassword('', owner)).toEqual([
        { reason: 'too_short', message: TOO_SHORT(0) },
      ]);
    });

    it('should count characters as Unicode code points, not UTF-16 units', () => {
      const hedgehogs = '🦔'.repeat(15);
      expect(hedgehogs).toHaveLength(30);
      expect(passwords.checkNewPassword(hedgehogs, owner)).toEqual([]);
      expect(passwords.checkNewPassword('🦔'.repeat(14), owner)).toEqual([
        { reason: 'too_short', message: TOO_SHORT(14) },
      ]);
    });

    it('should refuse a password longer than the maximum', () => {
      expect(passwords.checkNewPassword('x7'.repeat(MAX_PASSWORD_LENGTH / 2) + 'y', owner)).toEqual(
        [{ reason: 'too_long', message: TOO_LONG(257) }],
      );
    });

    it('should refuse a password of white space only, and say it is too short when it is', () => {
      expect(passwords.checkNewPassword(' \t '.repeat(10), owner)).toEqual([
        { reason: 'only_white_space', message: ONLY_WHITE_SPACE },
      ]);
      expect(passwords.checkNewPassword('   ', owner)).toEqual([
        { reason: 'too_short', message: TOO_SHORT(3) },
        { reason: 'only_white_space', message: ONLY_WHITE_SPACE },
      ]);
    });

    it.each([
      ['the e-mail address', 'ada.lovelace.byron@example.org'],
      [
        'the e-mail address in other letter case and with spaces',
        ' ADA.LOVELACE.BYRON@EXAMPLE.ORG ',
      ],
      ['the part of the e-mail address before the @', 'Ada.Lovelace.Byron'],
    ])('should refuse %s', (_, password) => {
      expect(passwords.checkNewPassword(password, owner)).toEqual([
        { reason: 'is_email', message: IS_EMAIL },
      ]);
    });

    it('should refuse the name, in any letter case', () => {
      expect(passwords.checkNewPassword('augusta ada KING-NOEL', owner)).toEqual([
        { reason: 'is_name', message: IS_NAME },
      ]);
    });

    it('should not compare with an e-mail address or name that is not given', () => {
      expect(passwords.checkNewPassword('Ada.Lovelace.Byron@example.org')).toEqual([]);
      expect(passwords.checkNewPassword('Augusta Ada King-Noel', { email: '', name: ' ' })).toEqual(
        [],
      );
    });

    it.each(['passwordpassword', 'PasswordPassword', '1QAZ2WSX3EDC4RFV', ' qazwsxedcrfvtgb '])(
      'should refuse %s, which is on the common password list',
      (password) => {
        expect(passwords.checkNewPassword(password, owner)).toEqual([
          { reason: 'common', message: COMMON },
        ]);
      },
    );

    it('should give every reason at once', () => {
      expect(passwords.checkNewPassword('Password', { name: 'password' })).toEqual([
        { reason: 'too_short', message: TOO_SHORT(8) },
        { reason: 'is_name', message: IS_NAME },
        { reason: 'common', message: COMMON },
      ]);
    });
  });
});
