export * from './config.js';
export * from './health.js';
export * from './app-error.js';
export * from './http.js';
export * from './logger.js';
export * from './shutdown.js';
export * from './metrics.js';
