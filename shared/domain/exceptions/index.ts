/** The exceptions capability: one work queue for everything a person must look at, and the fixes that close the loop. */
export * from './model';
export * from './ports';
export * from './errors';
export * from './work-queue';
export * from './fixes';
