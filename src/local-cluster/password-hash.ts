import { createHash, randomBytes } from 'node:crypto';

/**
 * RabbitMQ's `rabbit_password_hashing_sha256` format: base64(salt ‖ sha256(salt ‖ password))
 * with a 4-byte salt. Lets definitions carry users without their passwords on disk.
 */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256').update(Buffer.concat([salt, Buffer.from(password, 'utf8')])).digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** A random password safe in URLs and shells. */
export function randomPassword(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
