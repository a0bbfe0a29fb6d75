/** The catalog capability's public surface: other capabilities import it from here only. */
export * from './catalog-import';
export * from './product-changes';
