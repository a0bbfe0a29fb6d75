/** The intake capability's public surface: other capabilities import it from here only. */
export * from './catch-up';
export * from './channel-order-intake';
export * from './channel-ports';
export * from './events';
export * from './model';
export * from './order-fetch';
export * from './order-pull';
export * from './queued-notification';
export * from './webhook-delivery';
