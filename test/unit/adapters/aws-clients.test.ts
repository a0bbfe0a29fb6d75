import { dynamoClient, eventBridgeClient, s3Client, snsClient, sqsClient } from '#shared/adapters/aws-clients';

describe("the fabric's SDK clients", () => {
  test('carry no logger middleware: no redacted copy of each request and response is built for a logger that discards it', () => {
    for (const client of [dynamoClient(), s3Client(), eventBridgeClient(), snsClient(), sqsClient()]) {
      const steps = client.middlewareStack.identify();
      expect(steps.some((step) => step.startsWith('serializerMiddleware'))).toBe(true);
      expect(steps.filter((step) => step.startsWith('loggerMiddleware'))).toEqual([]);
    }
  });
});
