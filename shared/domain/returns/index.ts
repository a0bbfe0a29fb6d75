/** The returns capability's public surface: other capabilities import it from here only. */
export * from './events';
export * from './model';
export * from './refund-report';
export * from './return-intake';
export * from './refund-stock';
