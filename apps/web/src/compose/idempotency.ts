/** A fresh idempotency key: 128 random bits as hex. getRandomValues works on plain-http origins too, unlike
 * crypto.randomUUID. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
