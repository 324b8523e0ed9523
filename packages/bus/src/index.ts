export * from './backoff.js';
export * from './connection.js';
export * from './consumer.js';
export * from './dlq.js';
export * from './errors.js';
export * from './headers.js';
export type { Logger } from './logger.js';
export * from './publisher.js';
export * from './topology.js';
