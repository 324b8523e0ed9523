import { servers, mongoUrlForTest } from './servers.js';
import { startService, type RunningService } from './services.js';

export type ServiceName = 'api' | 'notifier' | 'activity' | 'mailer' | 'scheduler';

export interface RunningSystem {
  readonly namespace: string;
  /** The first replica of each service. */
  readonly services: Partial<Record<ServiceName, RunningService>>;
  /** Every replica of `service`, in start order (empty if it is not part of this system). */
  replicas(service: ServiceName): readonly RunningService[];
  /** The database URL a service of this system uses. */
  mongoUrl(service: ServiceName): string;
  /**
   * Kills one replica of a service (the first unless `replica` says) with `signal` (SIGKILL: a
   * crash) and starts it again on the same port and env; resolves with the milliseconds from the
   * kill until it is ready again.
   */
  restart(service: ServiceName, signal?: NodeJS.Signals, replica?: number): Promise<number>;
  /** Services that exited although nobody stopped or killed them, with the end of their output. */
  unexpectedExits(): readonly UnexpectedExit[];
  /** SIGTERM everything; resolves with each service's exit code. */
  stop(): Promise<Partial<Record<ServiceName, number | null>>>;
}

export interface UnexpectedExit {
  readonly service: ServiceName;
  readonly code: number | null;
  readonly output: string;
}

/**
 * Starts Herald's services as processes in one namespace, each with its own database: consumers
 * first, so their queues exist before the API publishes.
 */
export async function startSystem(options: {
  readonly namespace: string;
  readonly services?: readonly ServiceName[];
  /** Processes per service (default 1); replicas share the service's queue and database. */
  readonly replicas?: Partial<Record<ServiceName, number>>;
  readonly env?: Record<string, string>;
  readonly envFor?: Partial<Record<ServiceName, Record<string, string>>>;
}): Promise<RunningSystem> {
  const wanted = options.services ?? ['mailer', 'notifier', 'activity', 'api'];
  const mongoUrl = (service: ServiceName) => mongoUrlForTest(`${options.namespace}${service}`);
  const running: Partial<Record<ServiceName, RunningService[]>> = {};
  const stoppedOnPurpose = new Set<RunningService>();
  const unexpected: UnexpectedExit[] = [];
  const launch = async (
    service: ServiceName,
    replica: number,
    extra: Record<string, string> = {},
  ) => {
    const started = await startService(service, { ...env(service), ...extra });
    void started.exited.then((code) => {
      if (!stoppedOnPurpose.has(started)) {
        unexpected.push({ service, code, output: started.output().slice(-4_000) });
      }
    });
    (running[service] ??= [])[replica] = started;
  };
  const launchAll = (service: ServiceName) =>
    Promise.all(
      Array.from({ length: options.replicas?.[service] ?? 1 }, (_, i) => launch(service, i)),
    );
  const stopAll = async () => {
    const codes: Partial<Record<ServiceName, number | null>> = {};
    await Promise.all(
      Object.entries(running).flatMap(([name, replicas]) =>
        replicas.map(async (service) => {
          stoppedOnPurpose.add(service);
          const code = await service.stop();
          codes[name as ServiceName] ??= code;
        }),
      ),
    );
    return codes;
  };
  const order: ServiceName[] = ['scheduler', 'mailer', 'notifier', 'activity', 'api'];
  try {
    const consumers = await Promise.allSettled(
      order.filter((s) => wanted.includes(s) && s !== 'api').map(launchAll),
    );
    const failed = consumers.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (wanted.includes('api')) await launchAll('api');
  } catch (error) {
    // The test's afterAll has no system to stop: without this the services that did start
    // would outlive the failed run and keep its worker (and CI) waiting.
    await stopAll();
    throw error;
  }
  const first: Partial<Record<ServiceName, RunningService>> = {};
  for (const name of order.filter((s) => wanted.includes(s))) {
    Object.defineProperty(first, name, { enumerable: true, get: () => running[name]?.[0] });
  }
  return {
    namespace: options.namespace,
    services: first,
    replicas: (service) => running[service] ?? [],
    mongoUrl,
    async restart(service, signal = 'SIGKILL', replica = 0) {
      const old = running[service]?.[replica];
      if (!old) throw new Error(`${service} replica ${replica} is not part of this system`);
      stoppedOnPurpose.add(old);
      const killedAt = Date.now();
      await old.stop(signal);
      await launch(service, replica, { PORT: new URL(old.url).port });
      return Date.now() - killedAt;
    },
    unexpectedExits: () => unexpected,
    stop: stopAll,
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
