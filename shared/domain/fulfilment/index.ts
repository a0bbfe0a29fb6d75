/** The fulfilment capability's public surface: other capabilities import it from here only. */
export * from './events';
export * from './pickup';
export * from './requests';
export * from './sourcing';
export * from './store-tasks';
export * from './watch';
