import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { functions, type FunctionDefinition } from '#shared/config/topology';

describe('the event trail binding', () => {
  // Queue consumers write every event's outcome to the trail (queueConsumer does it for them): one without the table would fail at cold start in AWS.
  test.each(Object.entries(functions) as [string, FunctionDefinition][])(
    '%s may write the trail exactly when it is a queue consumer',
    (_, definition) => {
      const source = readFileSync(path.join(__dirname, '..', '..', '..', definition.entry), 'utf8');
      const writesTrail = source.includes('queueConsumer(') || source.includes('new DynamoEventTrail(');

      expect(definition.tables?.eventTrail === 'readWrite').toBe(writesTrail);
    },
  );
});
