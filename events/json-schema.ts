import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '#domain/kernel/schema';
import { type DetailType, eventCatalog } from './catalog';

/** Where the generated JSON Schemas are committed, one file per detail-type and version. */
export const EVENT_SCHEMA_DIR = join(__dirname, 'json-schema');

/** The JSON Schema keywords the compatibility check reads; anything else is carried along untouched. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  [keyword: string]: unknown;
}

export interface EventSchemaDocument {
  detailType: DetailType;
  version: number;
  fileName: string;
  schema: JsonSchema;
}

/**
 * The JSON Schema of every catalog version's payload (`detail.data`), in catalog order. A pure
 * function of the catalog and the pinned zod version, so regenerating an unchanged catalog is a no-op.
 * Input mode, because that is what a consumer's parse accepts: unknown properties pass (zod strips
 * them), which lets a producer add optional fields without breaking older consumers. Refinements
 * (balanced totals, adjustment direction) have no JSON Schema form and are left out.
 */
export function generateEventSchemas(): EventSchemaDocument[] {
  return (Object.keys(eventCatalog) as DetailType[]).flatMap((detailType) => {
    const entry = eventCatalog[detailType];
    return Object.entries(entry.versions as Record<number, z.ZodMiniType>).map(([key, payload]) => {
      const version = Number(key);
      const { $schema, ...body } = z.toJSONSchema(payload, { io: 'input' });
      return {
        detailType,
        version,
        fileName: eventSchemaFileName(detailType, version),
        schema: {
          $schema,
          $id: `urn:retail-integration-fabric:events:${detailType}:v${version}`,
          title: `${detailType} v${version} payload (detail.data)`,
          description: entry.description,
          ...body,
          // zod types sub-schemas as possibly boolean (true/false); it emits objects for all the catalog uses.
        } as JsonSchema,
      };
    });
  });
}

function eventSchemaFileName(detailType: DetailType, version: number): string {
  return `${detailType}.v${version}.json`;
}

/** The exact text committed for a schema: two-space JSON with a trailing newline. */
export function serializeSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The committed schema for a file name, or undefined when none is committed yet. */
export function readCommittedSchema(fileName: string): JsonSchema | undefined {
  const file = join(EVENT_SCHEMA_DIR, fileName);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as JsonSchema) : undefined;
}

/**
 * Lists what a new schema breaks for data and consumers written against a committed one, as
 * "path: change" lines (empty when compatible). Breaking: a property path removed, its JSON types
 * changed (either way, `null` included), an enum value removed, an optional property made required
 * (older producers omit it) or a required one made optional (consumers rely on it), or a required
 * property added to an existing object. New optional properties and new enum values
 * are compatible. Value constraints (pattern, minLength, minimum) are not compared: review those by
 * hand. Throws on keywords it cannot reason about rather than passing them silently.
 */
export function findBreakingChanges(committed: JsonSchema, generated: JsonSchema): string[] {
  const before = collectFields(committed);
  const after = collectFields(generated);
  const breaks: string[] = [];
  for (const [path, old] of before) {
    const now = after.get(path);
    if (!now) {
      breaks.push(`${label(path)}: removed`);
      continue;
    }
    const oldTypes = [...old.values.keys()].sort();
    const newTypes = [...now.values.keys()].sort();
    if (oldTypes.join() !== newTypes.join()) {
      breaks.push(`${label(path)}: type changed from ${oldTypes.join(' | ')} to ${newTypes.join(' | ')}`);
    } else {
      for (const [type, previous] of old.values) {
        const allowed = now.values.get(type);
        if (allowed === undefined || allowed === ANY_VALUE) continue;
        const removed =
          previous === ANY_VALUE
            ? ['values outside an enum']
            : [...previous].filter((v) => !allowed.has(v)).map((v) => JSON.stringify(v));
        if (removed.length > 0) breaks.push(`${label(path)}: no longer accepts ${removed.join(', ')}`);
      }
    }
    if (!old.required && now.required) breaks.push(`${label(path)}: became required`);
    // A consumer written against the committed schema reads the field without checking for it.
    if (old.required && !now.required) breaks.push(`${label(path)}: became optional`);
  }
  for (const [path, now] of after) {
    if (!before.has(path) && now.required && now.parent !== undefined && before.has(now.parent)) {
      breaks.push(`${label(path)}: added as required`);
    }
  }
  return breaks;
}

const ANY_VALUE = Symbol('any value');

interface FieldContract {
  /** Per JSON type, the values an enum or const limits it to, or ANY_VALUE. */
  values: Map<string, Set<unknown> | typeof ANY_VALUE>;
  required: boolean;
  parent: string | undefined;
}

/** Keywords that would hide fields or types from this check: a schema using them fails loudly instead. */
const UNCHECKED_KEYWORDS = ['$ref', 'allOf', 'not', 'if', 'prefixItems', 'patternProperties'];

/** Flattens a schema to its property paths ("order.lines[].sku"); union branches merge into one path. */
function collectFields(
  node: JsonSchema,
  path = '',
  required = true,
  parent: string | undefined = undefined,
  fields = new Map<string, FieldContract>(),
): Map<string, FieldContract> {
  for (const variant of variantsOf(node, path)) {
    const field = fields.get(path) ?? { values: new Map(), required, parent };
    field.required &&= required;
    const limit = variant.enum ?? ('const' in variant ? [variant.const] : undefined);
    const types = variant.type === undefined ? ['any'] : [variant.type].flat();
    for (const type of types) {
      const known = field.values.get(type);
      if (!limit || known === ANY_VALUE) field.values.set(type, ANY_VALUE);
      else field.values.set(type, new Set([...(known ?? []), ...limit]));
    }
    fields.set(path, field);
    for (const [name, child] of Object.entries(variant.properties ?? {})) {
      collectFields(child, path ? `${path}.${name}` : name, variant.required?.includes(name) ?? false, path, fields);
    }
    if (variant.items) collectFields(variant.items, `${path}[]`, true, path, fields);
  }
  return fields;
}

function variantsOf(node: JsonSchema, path: string): JsonSchema[] {
  const unchecked = UNCHECKED_KEYWORDS.filter((keyword) => keyword in node);
  if (typeof node.additionalProperties === 'object') unchecked.push('additionalProperties');
  if (unchecked.length > 0) {
    throw new Error(
      `${label(path)}: ${unchecked.join(', ')} is beyond the event compatibility check; extend findBreakingChanges first`,
    );
  }
  const branches = node.anyOf ?? node.oneOf;
  return branches ? branches.flatMap((branch) => variantsOf(branch, path)) : [node];
}

function label(path: string): string {
  return path || '(root)';
}
