import type { OnceRunner } from '#domain/kernel/ports';

/** The idempotency store's contract in memory: a key's first outcome is kept, a failed run keeps nothing. */
export function memoryOnce(): OnceRunner {
  const done = new Map<string, unknown>();
  return (async (key: string, work: () => Promise<any>) => {
    if (done.has(key)) return { ...(done.get(key) as object), duplicate: true };
    const result = await work();
    done.set(key, result);
    return { ...result, duplicate: false };
  }) as OnceRunner;
}
