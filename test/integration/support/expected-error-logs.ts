import { logger } from '#shared/adapters/observability';

export interface KeptErrorLog {
  message: string;
  details: Record<string, unknown>;
}

/**
 * For a test file whose fabric fails records on purpose or as a known side effect (a store the
 * inventory policy does not hold, a shipment of stock nobody counted in): the ERROR lines whose
 * `error` matches one of `expected` are kept for the file's tests to assert instead of printed, so
 * the suite's output shows only the ERRORs nobody expected, which still print. Call at the top level
 * of the file; the capture lasts from its first test to its last hook.
 */
export function expectErrorLogs(...expected: RegExp[]): { kept: (pattern: RegExp) => KeptErrorLog[] } {
  const kept: KeptErrorLog[] = [];
  let spy: jest.SpyInstance | undefined;
  beforeAll(() => {
    const print = logger.error.bind(logger);
    spy = jest.spyOn(logger, 'error').mockImplementation((message: unknown, ...rest: unknown[]) => {
      const details = (rest[0] ?? {}) as Record<string, unknown>;
      if (expected.some((pattern) => pattern.test(String(details.error ?? ''))))
        kept.push({ message: String(message), details });
      else print(message as string, ...(rest as []));
    });
  });
  afterAll(() => spy?.mockRestore());
  return { kept: (pattern) => kept.filter((line) => pattern.test(String(line.details.error ?? ''))) };
}
