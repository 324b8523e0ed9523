import { servers, mongoUrlForTest } from './servers.js';
import { startService, type RunningService } from './services.js';

export type ServiceName = 'api' | 'notifier' | 'activity' | 'mailer' | 'scheduler';

export interface RunningSystem {
  readonly namespace: string;
  readonly services: Partial<Record<ServiceName, RunningService>>;
  /** The database URL a service of this system uses. */
  mongoUrl(service: ServiceName): string;
  /** SIGTERM everything; resolves with each service's exit code. */
  stop(): Promise<Partial<Record<ServiceName, number | null>>>;
}

/**
 * Starts Herald's services as processes in one namespace, each with its own database: consumers
 * first, so their queues exist before the API publishes.
 */
export async function startSystem(options: {
  readonly namespace: string;
  readonly services?: readonly ServiceName[];
  readonly env?: Record<string, string>;
  readonly envFor?: Partial<Record<ServiceName, Record<string, string>>>;
}): Promise<RunningSystem> {
  const wanted = options.services ?? ['mailer', 'notifier', 'activity', 'api'];
  const mongoUrl = (service: ServiceName) => mongoUrlForTest(`${options.namespace}${service}`);
  const running: Partial<Record<ServiceName, RunningService>> = {};
  const order: ServiceName[] = ['scheduler', 'mailer', 'notifier', 'activity', 'api'];
  await Promise.all(
    order
      .filter((s) => wanted.includes(s) && s !== 'api')
      .map(async (service) => {
        running[service] = await startService(service, env(service));
      }),
  );
  if (wanted.includes('api')) running.api = await startService('api', env('api'));
  return {
    namespace: options.namespace,
    services: running,
    mongoUrl,
    async stop() {
      const codes: Partial<Record<ServiceName, number | null>> = {};
      await Promise.all(
        Object.entries(running).map(async ([name, service]) => {
          codes[name as ServiceName] = await service.stop();
        }),
      );
      return codes;
    },
  };

  function env(service: ServiceName): Record<string, string> {
    return {
      RABBITMQ_URL: servers.rabbitmq,
      HERALD_NAMESPACE: options.namespace,
      MONGO_URL: mongoUrl(service),
      ...options.env,
      ...options.envFor?.[service],
    };
  }
}
