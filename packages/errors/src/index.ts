export * from './app-error.js';
export * from './catalog.js';
export { docDrift, renderErrorsDoc } from './doc.js';
export * from './handler-errors.js';
