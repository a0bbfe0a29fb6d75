import type { OrderFeed, PulledPage, PullWindow } from '#domain/intake/order-pull';
import { DEVELOPMENT_API_CREDENTIALS, EnvironmentChannelCredentials } from '#shared/channels/channel-credentials';
import { apiCredentialsEnvVar } from '#shared/config/topology';
import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';

/** The development credentials the channel API stub accepts, for the four channels with an order search. */
export const stubCredentials = new EnvironmentChannelCredentials(
  Object.fromEntries(
    (['woocommerce', 'walmart', 'square', 'amazon'] as const).map((channel) => [
      apiCredentialsEnvVar(channel),
      JSON.stringify(DEVELOPMENT_API_CREDENTIALS[channel]),
    ]),
  ),
);

/** A channel API stub on loopback for one test file, started before its tests and stopped after. */
export function stubForFile(): () => ChannelApiStub {
  let stub: ChannelApiStub;
  beforeAll(async () => {
    stub = new ChannelApiStub();
    await stub.start();
  });
  afterAll(async () => {
    await stub.stop();
  });
  return () => stub;
}

/** Every page of one window, in order, as the pull reads them. */
export async function allPages<T>(feed: OrderFeed<T>, window: PullWindow): Promise<PulledPage<T>[]> {
  const pages: PulledPage<T>[] = [];
  let page: string | undefined;
  do {
    const pulled = await feed.fetchPage(window, page);
    pages.push(pulled);
    page = pulled.nextPage;
  } while (page);
  return pages;
}

/** The id and version of each listed order, or the id and `invalid`, page by page. */
export function listing<T>(pages: PulledPage<T>[]): string[][] {
  return pages.map((page) =>
    page.orders.map((entry) =>
      entry.kind === 'order' ? `${entry.channelOrderId}@${entry.version}` : `${entry.channelOrderId}:invalid`,
    ),
  );
}
