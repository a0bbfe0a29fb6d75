import { createHash } from 'node:crypto';

/**
 * The fingerprint of a request an API keeps under its idempotency key, to tell a client's retry (same
 * fingerprint) from the key reused for another request. Key order does not count, at any depth; array
 * order does. Stable across releases: stored fingerprints are compared with new ones.
 */
export function requestFingerprint(request: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    return value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
        )
      : value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');
}
