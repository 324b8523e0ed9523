export * from './keys.js';
export * from './tokens.js';
