import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LocalClients, LocalResources } from '../local-fabric/provision';
import { posManifestKey } from '#domain/pos/batch';
import { storeRecords, uploadSummaries } from '#shared/operations/stores';
import { parseCommand } from './command-line';
import { opsCommands, posUploadPath } from './commands';

/**
 * `pos upload <file> <storeId> <businessDate> <batchId> [--manifest]`: puts a batch where a store
 * would (incoming/{storeId}/{businessDate}/{batchId}.{csv|jsonl|xml}[.gz], the extension taken from
 * the file), with its manifest first when asked. The S3 trigger takes it from there.
 */
export async function upload(resources: LocalResources, clients: LocalClients, argv: string[]): Promise<void> {
  const {
    args: [file, storeId, businessDate, batchId],
    flags,
  } = parseCommand(opsCommands.posUpload, argv);
  // The command's check has refused any line whose path breaks the upload contract.
  const batchPath = posUploadPath(file, storeId, businessDate, batchId)!;
  const { key } = batchPath;
  const body = readFileSync(path.resolve(file));
  const bucket = resources.buckets.posBatches;
  if (flags.manifest) {
    const text = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
    const newlines = text.reduce((count, byte) => count + (byte === 10 ? 1 : 0), 0);
    const manifest = {
      lineCount: newlines + (text.length && text[text.length - 1] !== 10 ? 1 : 0),
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: posManifestKey(batchPath), Body: JSON.stringify(manifest) }),
    );
    console.log(`s3://${bucket}/${posManifestKey(batchPath)}  ${JSON.stringify(manifest)}`);
  }
  await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  console.log(
    `s3://${bucket}/${key}  (${body.length} bytes); see it with: npm run ops -- pos summary ${storeId} ${businessDate} ${batchId}`,
  );
}

/** `pos summary <storeId> <businessDate> [batchId]`: the summaries of a store's uploads, with where their bad lines are. */
export async function summary(resources: LocalResources, clients: LocalClients, argv: string[]): Promise<void> {
  const {
    args: [storeId, businessDate, batchId],
  } = parseCommand(opsCommands.posSummary, argv);
  const bucket = resources.buckets.posBatches;
  const found = await uploadSummaries(storeRecords(bucket, clients.s3), storeId, businessDate, batchId);
  if (found.length === 0)
    console.log(
      `no summaries for ${storeId} ${businessDate}${batchId ? ` ${batchId}` : ''} yet (the trigger polls every half second; large batches take a while)`,
    );
  for (const upload of found) {
    const { counts } = upload;
    console.log(
      `${upload.batchId} upload ${upload.uploadId}: ${upload.status}${upload.reason ? ` (${upload.reason})` : ''}, manifest ${upload.manifest}, finished ${upload.finishedAt}, ${upload.invocations} invocation(s)`,
    );
    console.log(
      `  ${counts.lines} lines; ${counts.accepted} accepted, ${counts.duplicates} duplicate (${counts.conflicts} conflicting), ${counts.rejected} rejected, ${counts.quarantinedLines} lines quarantined, ${counts.unknownSkuLines} lines with an unknown SKU`,
    );
    for (const register of upload.registers) {
      const gaps = register.gaps
        .map((gap) => (gap.from === gap.to ? `${gap.from}` : `${gap.from}-${gap.to}`))
        .join(', ');
      console.log(
        `  register ${register.registerId} ${register.businessDay}: ${register.accepted} accepted, ${register.duplicates} duplicate, ${register.rejected} rejected${gaps ? `; missing ${gaps}` : ''}`,
      );
    }
    if (upload.quarantinePrefix) console.log(`  quarantine: s3://${bucket}/${upload.quarantinePrefix}`);
  }
}
