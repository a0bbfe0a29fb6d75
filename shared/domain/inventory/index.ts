/** The inventory capability's public surface: other capabilities import it from here only. */
export * from './adjustment';
export * from './backorders';
export * from './buckets';
export * from './errors';
export * from './events';
export * from './exposure';
export * from './hold';
export * from './fulfilment';
export * from './line-release';
export * from './model';
export * from './movement';
export * from './policy';
export * from './reallocation';
export * from './records';
export * from './reservation';
export * from './sweeper';
export * from './verification';
