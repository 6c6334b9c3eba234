import { fileURLToPath } from 'node:url';
import { readShippedFile } from '../common/project-files.js';

/**
 * The list, beside this module: in `src/` for the tests, and in `dist/`, where `npm run build`
 * copies it (tsc copies only code). See SOURCE.md for where it comes from.
 */
export const COMMON_PASSWORDS_FILE = fileURLToPath(
  new URL('./common-passwords.txt', import.meta.url),
);

/**
 * Commonly used passwords, one a line, compared ignoring letter case and surrounding spaces.
 *
 * The list is kept as one string and searched for `\n<password>\n`: reading it costs a few
 * milliseconds at start, where splitting ~50,000 lines into a Set costs ~50 ms on a cold process;
 * a search costs well under a millisecond, and only sign-up and password changes search.
 */
export class CommonPasswordList {
  private readonly lines: string;

  /** `text`: one password a line (LF or CRLF). */
  constructor(text: string) {
    this.lines = `\n${text.replaceAll('\r', '').toLowerCase()}\n`;
  }

  /** Reads the list once; a missing or empty file stops the start with the reason. */
  static fromFile(path = COMMON_PASSWORDS_FILE): CommonPasswordList {
    const text = readShippedFile(path, 'common password list');
    if (text.trim() === '') {
      throw new Error(
        `The common password list ${path} is empty. Restore it from the repository; SOURCE.md beside it says where it comes from.`,
      );
    }
    return new CommonPasswordList(text);
  }

  has(password: string): boolean {
    const candidate = password.trim().toLowerCase();
    // A line break inside would match across two lines of the list.
    if (candidate === '' || /[\r\n]/.test(candidate)) return false;
    return this.lines.includes(`\n${candidate}\n`);
  }
}
