export * from './config.js';
export * from './health.js';
export * from './http.js';
export * from './logger.js';
export * from './shutdown.js';
export * from './metrics.js';
// Routes answer with AppError beside the server they run in; domain code imports @herald/errors.
export { AppError } from '@herald/errors';
