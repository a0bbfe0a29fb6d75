import { functions, type FunctionDefinition, type FunctionName } from '#shared/config/topology';
import type { SalesChannel } from '#domain/kernel/order';

const WEBHOOK_PATH = /^\/webhooks\/([a-z]+)$/;
/** Its rate is the region's `catchUpEveryMinutes` setting. */
export const CATCH_UP_FUNCTION: FunctionName = 'channel-order-catch-up';

/**
 * The topology's functions as a region deploys them when it enables only some channels: a function
 * serving one disabled channel is left out, and webhook routes and webhook secrets of disabled
 * channels are dropped, so the region neither answers nor needs secrets for channels it does not sell
 * on. Outbound connectors keep their API bindings: which channels they publish to follows the
 * inventory policy, configured with the region's channels. Every channel when `enabled` is undefined.
 * The catch-up pull runs at the region's own rate when it sets one.
 */
export function regionalFunctions(
  enabled: readonly SalesChannel[] | undefined,
  { catchUpEveryMinutes }: { catchUpEveryMinutes?: number } = {},
): [FunctionName, FunctionDefinition][] {
  const all = (Object.entries(functions) as [FunctionName, FunctionDefinition][]).map(
    ([name, definition]): [FunctionName, FunctionDefinition] =>
      name === CATCH_UP_FUNCTION && catchUpEveryMinutes
        ? [name, { ...definition, schedule: { everyMinutes: catchUpEveryMinutes } }]
        : [name, definition],
  );
  if (!enabled) return all;
  const on = (channel: string) => (enabled as readonly string[]).includes(channel);
  return all
    .filter(([, definition]) => !definition.channel || on(definition.channel))
    .map(([name, definition]) => [
      name,
      {
        ...definition,
        ...(definition.routes
          ? {
              routes: definition.routes.filter((route) => {
                const channel = WEBHOOK_PATH.exec(route.path)?.[1];
                return !channel || on(channel);
              }),
            }
          : {}),
        ...(definition.channelSecrets ? { channelSecrets: definition.channelSecrets.filter(on) } : {}),
      },
    ]);
}
