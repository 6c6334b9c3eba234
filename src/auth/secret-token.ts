import { createHash, randomBytes } from 'node:crypto';

/**
 * A random secret for a cookie, a link or an API key: 32 bytes (256 bits), base64url. Such
 * secrets are stored only as `hashToken()`: a fast hash is enough for 256 random bits (nobody
 * guesses them), and it lets the database find the row by the hash.
 */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
