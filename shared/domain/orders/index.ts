/** The orders capability's public surface: other capabilities import it from here only. */
export * from './events';
export * from './lifecycle';
export * from './lifecycle-events';
export * from './model';
export * from './order-record';
export * from './shipment-confirmation';
export * from './sla';
export * from './sla-policy';
