import { errorCatalog } from '@herald/errors';

/**
 * A system the console reads from (the broker, a service, Jaeger) did not answer as expected. Pages
 * show it in the section that needed it; the rest of the page still renders.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly code = errorCatalog.consoleUpstream.code;
}
