export * from './broker-admin.js';
export * from './servers.js';
export * from './wait.js';
export * from './services.js';
export * from './keys.js';
export * from './smtp.js';
export * from './outages.js';
export * from './system.js';
