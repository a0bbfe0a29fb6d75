/**
 * `npm run events:schemas`: writes events/json-schema/<DetailType>.v<N>.json for every catalog version.
 * Writes nothing when any change would break a committed version, because a published version is a
 * contract: a breaking change is a new version in events/catalog.ts, never an edit of an old one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  EVENT_SCHEMA_DIR,
  findBreakingChanges,
  generateEventSchemas,
  readCommittedSchema,
  serializeSchema,
} from '#events/json-schema';

const documents = generateEventSchemas().map((document) => ({
  ...document,
  committed: readCommittedSchema(document.fileName),
}));
const breaking = documents.flatMap(({ fileName, schema, committed }) =>
  committed ? findBreakingChanges(committed, schema).map((change) => `${fileName} ${change}`) : [],
);

if (breaking.length > 0) {
  console.error(
    [
      'Nothing written: these changes break committed event versions.',
      ...breaking.map((line) => `  ${line}`),
      'Publish the change as a new version in events/catalog.ts. If the version was never published, delete its file and rerun.',
    ].join('\n'),
  );
  process.exitCode = 1;
} else {
  mkdirSync(EVENT_SCHEMA_DIR, { recursive: true });
  for (const { fileName, schema, committed } of documents) {
    const text = serializeSchema(schema);
    const status = !committed ? 'created' : serializeSchema(committed) === text ? 'unchanged' : 'updated';
    if (status !== 'unchanged') writeFileSync(join(EVENT_SCHEMA_DIR, fileName), text);
    console.log(`${status.padEnd(9)} ${relative(process.cwd(), join(EVENT_SCHEMA_DIR, fileName))}`);
  }
}
