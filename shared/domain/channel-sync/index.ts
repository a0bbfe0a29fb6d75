/** The channel-sync capability's public surface: other capabilities import it from here only. */
export * from './availability-sync';
export * from './cancellation-sync';
export * from './events';
export * from './model';
export * from './oversell';
export * from './pickup-sync';
export * from './publication';
export * from './return-sync';
export * from './shipment-sync';
