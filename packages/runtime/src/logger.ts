import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** JSON logs with the service name on every line. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
  });
}
