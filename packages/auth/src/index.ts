export * from './keys.js';
export * from './tokens.js';
export * from './pem-env.js';
export * from './unsubscribe-token.js';
export * from './link-token.js';
