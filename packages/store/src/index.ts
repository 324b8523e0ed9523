export * from './batched-inserts.js';
export * from './mongo.js';
export * from './outage.js';
export * from './outbox.js';
export * from './processed-events.js';
export * from './heartbeats.js';
export * from './pruning.js';
export type { Route } from './route-backoff.js';
export type { ConsumerQueues, UnroutableRetryOptions } from './unroutable-retry.js';
