import {
  EventBridgePublisher,
  eventPublisherFromEnv,
  registerLocalBusTransport,
  type LocalBusTransport,
} from '#shared/adapters/event-publisher';
import type { EventPublisher } from '#domain/kernel/ports';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:fabric-local-events';

// In this order: the local transport, once registered, stays registered for the process.
describe('the event transport chosen from configuration', () => {
  test('publishes to EventBridge where the bus is named, as in AWS', () => {
    expect(eventPublisherFromEnv({ FABRIC_EVENT_BUS_NAME: 'fabric-bus' })).toBeInstanceOf(EventBridgePublisher);
  });

  test('refuses a local topic before the local runtime registered its transport, naming the registration', () => {
    expect(() => eventPublisherFromEnv({ FABRIC_EVENT_TOPIC_ARN: TOPIC })).toThrow(/registerLocalBusTransport/);
  });

  test('publishes to the local topic through the transport the local runtime registered', () => {
    const local: EventPublisher = { publish: async () => undefined };
    const transport = jest.fn<ReturnType<LocalBusTransport>, Parameters<LocalBusTransport>>(() => local);
    registerLocalBusTransport(transport);

    expect(eventPublisherFromEnv({ FABRIC_EVENT_TOPIC_ARN: TOPIC })).toBe(local);
    expect(transport).toHaveBeenCalledWith(TOPIC, undefined);
  });

  test('refuses a configuration with neither bus nor topic', () => {
    expect(() => eventPublisherFromEnv({})).toThrow(
      /FABRIC_EVENT_BUS_NAME \(AWS\) or FABRIC_EVENT_TOPIC_ARN \(local\)/,
    );
  });
});
