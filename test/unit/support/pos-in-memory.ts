import { posBatchReader } from '#shared/pos/pos-batch-reader';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { toWireEvent, type FabricEvent } from '#domain/kernel/event';
import { unionRanges, type SequenceRanges } from '#domain/pos/sequence';
import {
  PosLeaseLostError,
  PosUploadSupersededError,
  type InvocationContext,
  type PosBatchObjects,
  type PosClaim,
  type PosClaimRequest,
  type PosIngestPorts,
  type PosRegisterSequences,
  type PosTransactionClaims,
  type PosUploadProgress,
  type PosUploadProgressStore,
} from '#domain/pos/batch-ingest';
import type { PosBatchSummary, PosUpload } from '#domain/pos/batch';
import type { QuarantinedLine } from '#domain/pos/parsed-item';
import type { ByteChunks } from '#shared/text/byte-stream';
import type { SalesChannel } from '#domain/kernel/order';
import type { ChannelSkuKey } from '#domain/kernel/sku-cross-reference';

/**
 * The POS ingest ports in memory, with the same conditional semantics as the DynamoDB and S3
 * adapters: unit tests and the benchmark drive the real use case through them.
 */

export class MemoryProgressStore implements PosUploadProgressStore {
  readonly records = new Map<string, { progress: PosUploadProgress; owner?: string; leaseUntil: number }>();

  async get(uploadRef: string) {
    const record = this.records.get(uploadRef);
    return record ? { ...clone(record.progress), leaseUntil: record.leaseUntil } : undefined;
  }

  async create(progress: PosUploadProgress) {
    if (!this.records.has(progress.uploadRef))
      this.records.set(progress.uploadRef, { progress: clone(progress), leaseUntil: 0 });
    return clone(this.records.get(progress.uploadRef)!.progress);
  }

  async acquire(uploadRef: string, owner: string, leaseUntil: number, now: number) {
    const record = this.records.get(uploadRef);
    if (record?.progress.status !== 'processing') return 'finished' as const;
    if (record.leaseUntil >= now && record.owner !== owner) return { held: record.leaseUntil };
    record.owner = owner;
    record.leaseUntil = leaseUntil;
    return { acquired: { ...clone(record.progress), leaseUntil } };
  }

  async save(progress: PosUploadProgress, owner: string, leaseUntil: number | undefined) {
    const record = this.records.get(progress.uploadRef);
    if (!record || record.owner !== owner) throw new PosLeaseLostError(progress.uploadRef);
    const { leaseUntil: _readOnly, ...state } = progress;
    record.progress = clone(state);
    record.leaseUntil = leaseUntil ?? 0;
  }
}

export class MemoryClaims implements PosTransactionClaims {
  readonly claims = new Map<string, PosClaim>();

  async claim(requests: readonly PosClaimRequest[]) {
    return requests.map((request) => {
      const held = this.claims.get(request.transactionId);
      if (held && !(held.owner === request.owner && held.line === request.line)) return { ...held };
      this.claims.set(request.transactionId, {
        owner: request.owner,
        line: request.line,
        fingerprint: request.fingerprint,
      });
      return null;
    });
  }

  async takeOver(request: PosClaimRequest, from: PosClaim) {
    const held = this.claims.get(request.transactionId);
    if (!held || held.owner !== from.owner || held.line !== from.line) return false;
    this.claims.set(request.transactionId, {
      owner: request.owner,
      line: request.line,
      fingerprint: request.fingerprint,
    });
    return true;
  }
}

/**
 * Claims kept as 53-bit digests of the transaction id only, for the benchmark: a million claims fit
 * in a few megabytes, so the process's memory measures the ingest, not the fake standing in for DynamoDB.
 */
export class CompactClaims implements PosTransactionClaims {
  private readonly claimed = new Set<number>();

  async claim(requests: readonly PosClaimRequest[]) {
    return requests.map((request) => {
      const digest = createHash('sha1').update(request.transactionId).digest();
      const id = digest.readUIntBE(0, 6) * 32 + (digest[6] >> 3);
      if (this.claimed.has(id)) return { owner: request.owner, line: 0, fingerprint: request.fingerprint };
      this.claimed.add(id);
      return null;
    });
  }

  async takeOver() {
    return false;
  }
}

export class MemorySequences implements PosRegisterSequences {
  readonly days = new Map<string, SequenceRanges>();

  async merge(registerDay: string, ranges: SequenceRanges) {
    const merged = unionRanges(this.days.get(registerDay) ?? [], ranges);
    this.days.set(registerDay, merged);
    return merged;
  }
}

export class MemorySkus {
  readonly mappings = new Map<string, string>();
  lookups = 0;

  constructor(entries: Record<string, string> = {}) {
    for (const [code, sku] of Object.entries(entries)) this.mappings.set(code, sku);
  }

  async resolveSkus(_channel: SalesChannel, keys: readonly ChannelSkuKey[]) {
    this.lookups += 1;
    const found = new Map<string, string>();
    for (const key of keys) {
      const sku = this.mappings.get(key.channelSku);
      if (sku) found.set(`sku:${key.channelSku}`, sku);
    }
    return found;
  }
}

/** Keeps the events, or (for the benchmark) serializes and counts them as the SNS publisher would. */
export class MemoryPublisher {
  readonly events: FabricEvent[] = [];
  count = 0;
  bytes = 0;

  constructor(private readonly keep = true) {}

  async publish(events: readonly FabricEvent[]) {
    for (const event of events) {
      this.count += 1;
      this.bytes += JSON.stringify(toWireEvent(event)).length;
      if (this.keep) this.events.push(event);
    }
  }

  ofType(detailType: string) {
    return this.events.filter((event) => event.detailType === detailType);
  }
}

/** A bucket of named byte contents (or files on disk), with quarantine and summary objects kept as text. */
export class MemoryObjects implements PosBatchObjects {
  readonly objects = new Map<string, { body?: Buffer; file?: string; eTag: string }>();
  readonly written = new Map<string, string>();
  /** Reads of a key (full or ranged), to check that continuations range-read. */
  readonly reads: { key: string; fromByte: number }[] = [];

  put(key: string, body: Buffer | string, eTag = createHash('md5').update(body).digest('hex')): PosUpload {
    this.objects.set(key, { body: Buffer.from(body), eTag });
    return { bucket: 'pos', key, uploadId: `u-${eTag.slice(0, 8)}-${this.objects.size}`, eTag };
  }

  putFile(key: string, file: string, eTag: string): PosUpload {
    this.objects.set(key, { file, eTag });
    return { bucket: 'pos', key, uploadId: eTag, eTag };
  }

  source(upload: PosUpload) {
    return {
      open: async (fromByte = 0): Promise<ByteChunks> => {
        const object = this.objects.get(upload.key);
        if (!object || (upload.eTag && object.eTag !== upload.eTag)) throw new PosUploadSupersededError(upload.key);
        this.reads.push({ key: upload.key, fromByte });
        if (object.file) return createReadStream(object.file, { start: fromByte, highWaterMark: 64 * 1024 });
        return chunked(object.body!.subarray(fromByte), 64 * 1024);
      },
    };
  }

  async readManifest(_bucket: string, key: string) {
    const object = this.objects.get(key);
    if (!object?.body) return undefined;
    try {
      return { json: JSON.parse(object.body.toString('utf8')) as unknown };
    } catch (error) {
      return { invalid: `it is not JSON (${(error as Error).message})` };
    }
  }

  async writeQuarantinedLines(_bucket: string, key: string, lines: readonly QuarantinedLine[]) {
    this.written.set(key, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  }

  async quarantineFile(upload: PosUpload, prefix: string, reason: Record<string, unknown>) {
    const object = this.objects.get(upload.key);
    if (object) this.objects.set(`${prefix}${upload.key.split('/').pop()}`, object);
    this.written.set(`${prefix}reason.json`, JSON.stringify(reason));
  }

  async writeSummary(_bucket: string, key: string, summary: PosBatchSummary) {
    this.written.set(key, JSON.stringify(summary));
  }

  /** Every quarantined line of an upload, in line order. */
  quarantinedLines(prefix: string): QuarantinedLine[] {
    return [...this.written.entries()]
      .filter(([key]) => key.startsWith(prefix) && key.endsWith('.jsonl'))
      .flatMap(([, text]) =>
        text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as QuarantinedLine),
      )
      .sort((a, b) => a.lineNumber - b.lineNumber);
  }
}

export function memoryPorts(
  options: { skus?: Record<string, string>; keepEvents?: boolean; compactClaims?: boolean } = {},
) {
  const ports = {
    progress: new MemoryProgressStore(),
    claims: options.compactClaims ? new CompactClaims() : new MemoryClaims(),
    sequences: new MemorySequences(),
    skus: new MemorySkus(options.skus),
    publisher: new MemoryPublisher(options.keepEvents ?? true),
    objects: new MemoryObjects(),
    reader: posBatchReader,
  };
  return ports satisfies PosIngestPorts;
}

/** An invocation with plenty of time and a fixed owner; `clock` moves time for lease tests. */
export function invocation(owner = 'invocation-1', clock = { now: Date.now }): InvocationContext {
  return { owner, remainingMillis: () => 14 * 60_000, now: () => clock.now() };
}

async function* chunked(body: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
