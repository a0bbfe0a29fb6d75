/** The pos capability's public surface: other capabilities import it from here only. */
export * from './batch';
export * from './batch-ingest';
export * from './events';
export * from './order-returns';
export * from './parsed-item';
export * from './recorded-transaction';
export * from './sequence';
export * from './stock-movements';
export * from './transaction';
