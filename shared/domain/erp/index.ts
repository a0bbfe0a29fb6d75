/** The erp capability's public surface: other capabilities import it from here only. */
export * from './events';
export * from './model';
export * from './posting';
export * from './resilience';
