/** The pricing capability's public surface: other capabilities import it from here only. */
export * from './distribution';
export * from './events';
export * from './model';
export * from './order-check';
export * from './schedule';
