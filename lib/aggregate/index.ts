/**
 * Aggregation windows: Alertmanager's grouping, timing and notification log
 * as pure transitions over a plain-JSON group state.
 */
export * from './grouping-options.js';
export * from './group-key.js';
export * from './group-state.js';
export * from './dedup.js';
export * from './notification.js';
export * from './ingest.js';
export * from './flush.js';
export * from './timer.js';
