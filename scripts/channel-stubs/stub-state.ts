import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

type Collection = Map<unknown, unknown> | Set<unknown> | unknown[];

/**
 * Keeps what a local stand-in for another company's system holds (a channel's orders, listings and
 * fulfilments) in a file, so that it outlives a restart of the local fabric as the real system would.
 * The state is every Map, Set and array among the own properties of `parts` (private fields too):
 * a field added to a stub is kept without a second list of what to save.
 */
export class StubState {
  constructor(
    private readonly file: string,
    private readonly parts: Record<string, object>,
  ) {}

  /** Fills the collections with what the file holds, if anything. */
  load(): void {
    if (!existsSync(this.file)) return;
    const saved = JSON.parse(readFileSync(this.file, 'utf8'), revive) as Record<string, unknown>;
    for (const [name, collection] of this.collections()) {
      if (!(name in saved)) continue;
      const kept = saved[name] as Collection;
      if (collection instanceof Map) {
        collection.clear();
        for (const [key, value] of kept as Map<unknown, unknown>) collection.set(key, value);
      } else if (collection instanceof Set) {
        collection.clear();
        for (const value of kept as Set<unknown>) collection.add(value);
      } else {
        collection.splice(0, collection.length, ...(kept as unknown[]));
      }
    }
  }

  /** Writes it all; a crash mid-write leaves the previous file (write, then rename). */
  save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.collections()), replace));
    renameSync(temporary, this.file);
  }

  private collections(): [string, Collection][] {
    return Object.entries(this.parts).flatMap(([part, holder]) =>
      Object.entries(holder)
        .filter(
          (entry): entry is [string, Collection] =>
            entry[1] instanceof Map || entry[1] instanceof Set || Array.isArray(entry[1]),
        )
        .map(([field, collection]) => [`${part}.${field}`, collection] as [string, Collection]),
    );
  }
}

function replace(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value] };
  if (value instanceof Set) return { $set: [...value] };
  return value;
}

function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$map' in value)
    return new Map((value as { $map: [unknown, unknown][] }).$map);
  if (value && typeof value === 'object' && '$set' in value) return new Set((value as { $set: unknown[] }).$set);
  return value;
}
