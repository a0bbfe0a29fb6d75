/**
 * The SDK's logger middleware builds a redacted copy of every request and response for its logger,
 * even for the default logger that discards them; we give it none, so the copies are pure cost (about
 * a fiftieth of a function's CPU at eighty DynamoDB calls an order).
 */
export function withoutRequestLogging<Client extends { middlewareStack: { remove(name: string): boolean } }>(
  client: Client,
): Client {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
