import { readdirSync } from 'node:fs';
import {
  EVENT_SCHEMA_DIR,
  type JsonSchema,
  findBreakingChanges,
  generateEventSchemas,
  readCommittedSchema,
} from '#events/json-schema';

describe.each(generateEventSchemas())('$detailType v$version', ({ fileName, schema }) => {
  test(`has events/json-schema/${fileName} committed (npm run events:schemas writes it)`, () => {
    expect(readCommittedSchema(fileName)).toBeDefined();
  });

  test('stays compatible with its committed JSON Schema (a breaking change is a new catalog version)', () => {
    const committed = readCommittedSchema(fileName) ?? schema;

    expect(findBreakingChanges(committed, schema)).toEqual([]);
  });

  test('matches its committed JSON Schema (run npm run events:schemas after a compatible change)', () => {
    expect(readCommittedSchema(fileName)).toEqual(schema);
  });
});

test('every committed event schema still has its catalog version (versions are never removed)', () => {
  const generated = generateEventSchemas().map((document) => document.fileName);

  const committed = readdirSync(EVENT_SCHEMA_DIR).filter((name) => name.endsWith('.json'));

  expect(committed.filter((name) => !generated.includes(name))).toEqual([]);
});

describe('findBreakingChanges', () => {
  const published: JsonSchema = {
    type: 'object',
    properties: {
      orderId: { type: 'string' },
      quantity: { type: 'integer' },
      status: { type: 'string', enum: ['received', 'cancelled'] },
      note: { type: 'string' },
      sku: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } },
    },
    required: ['orderId', 'quantity', 'status', 'sku', 'lines'],
  };

  /** The published schema with one property replaced (or removed, with undefined) and `required` adjusted. */
  function evolve(name: string, property: JsonSchema | undefined, required = published.required!): JsonSchema {
    const properties = { ...published.properties };
    if (property) properties[name] = property;
    else delete properties[name];
    return { ...published, properties, required };
  }

  test('finds nothing to report between identical schemas', () => {
    expect(findBreakingChanges(published, published)).toEqual([]);
  });

  test('flags a removed field', () => {
    const changed = evolve('quantity', undefined, ['orderId', 'status', 'sku', 'lines']);

    expect(findBreakingChanges(published, changed)).toEqual(['quantity: removed']);
  });

  test('flags a retyped field', () => {
    const changed = evolve('quantity', { type: 'string' });

    expect(findBreakingChanges(published, changed)).toEqual(['quantity: type changed from integer to string']);
  });

  test('flags a field that stops accepting null', () => {
    const changed = evolve('sku', { type: 'string' });

    expect(findBreakingChanges(published, changed)).toEqual(['sku: type changed from null | string to string']);
  });

  test('flags a removed enum value but allows a new one', () => {
    const changed = evolve('status', { type: 'string', enum: ['received', 'needs_attention'] });

    expect(findBreakingChanges(published, changed)).toEqual(['status: no longer accepts "cancelled"']);
  });

  test('flags an optional field that became required', () => {
    const changed = evolve('note', { type: 'string' }, [...published.required!, 'note']);

    expect(findBreakingChanges(published, changed)).toEqual(['note: became required']);
  });

  test('flags a required field that became optional: a producer could then drop what consumers read', () => {
    const changed = evolve('quantity', { type: 'integer' }, ['orderId', 'status', 'sku', 'lines']);

    expect(findBreakingChanges(published, changed)).toEqual(['quantity: became optional']);
  });

  test('flags a required field inside array items that became optional', () => {
    const changed = evolve('lines', {
      type: 'array',
      items: { type: 'object', properties: { sku: { type: 'string' } } },
    });

    expect(findBreakingChanges(published, changed)).toEqual(['lines[].sku: became optional']);
  });

  test('flags a removed optional field as well as a removed required one', () => {
    const changed = evolve('note', undefined);

    expect(findBreakingChanges(published, changed)).toEqual(['note: removed']);
  });

  test('flags a removed field inside array items', () => {
    const changed = evolve('lines', { type: 'array', items: { type: 'object', properties: {} } });

    expect(findBreakingChanges(published, changed)).toEqual(['lines[].sku: removed']);
  });

  test('allows a new optional field but flags a new required one', () => {
    const optional = evolve('channelAccount', { type: 'string' });
    const required = evolve('channelAccount', { type: 'string' }, [...published.required!, 'channelAccount']);

    expect(findBreakingChanges(published, optional)).toEqual([]);
    expect(findBreakingChanges(published, required)).toEqual(['channelAccount: added as required']);
  });

  test('refuses a schema it cannot fully see into rather than passing it', () => {
    const changed = evolve('customer', { $ref: '#/$defs/Customer' });

    expect(() => findBreakingChanges(published, changed)).toThrow(
      'customer: $ref is beyond the event compatibility check',
    );
  });
});
