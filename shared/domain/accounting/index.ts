/** The accounting capability's public surface: other capabilities import it from here only. */
export * from './chart-of-accounts';
export * from './events';
export * from './journal';
export * from './journal-entry';
export * from './model';
export * from './pos-entries';
export * from './sale-entries';
export * from './settlement';
export * from './settlement-components';
export * from './settlement-exception';
export * from './settlement-reconciliation';
export * from './settlement-report';
export * from './settlement-watch';
