import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * A value to store under `name` as it is, or under `{name}Gzip` as its JSON gzipped once that JSON is
 * longer than `inlineMaxBytes`: DynamoDB bills a write unit per KiB of item (and an index unit per KiB
 * of each index copy), and JSON of repeated shapes compresses severalfold. Smaller values stay
 * readable as they are. Read back with `readGzippedJson`, which takes either shape.
 */
export function gzippedJsonAttribute<Value>(
  name: string,
  value: Value,
  inlineMaxBytes: number,
): Record<string, Value | Uint8Array> {
  const json = JSON.stringify(value);
  return Buffer.byteLength(json) <= inlineMaxBytes ? { [name]: value } : { [`${name}Gzip`]: gzipSync(json) };
}

/** The value `gzippedJsonAttribute` stored under `name`, whichever shape it took; undefined when the item has neither. */
export function readGzippedJson(item: Record<string, unknown>, name: string): unknown {
  const gzipped = item[`${name}Gzip`];
  return gzipped ? JSON.parse(gunzipSync(gzipped as Uint8Array).toString('utf8')) : item[name];
}
