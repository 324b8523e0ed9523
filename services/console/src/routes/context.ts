import type { Logger, Metrics } from '@herald/runtime';
import type { Sessions } from '../auth/session.js';
import type {
  DeadLetterStore,
  QueueSource,
  SchedulerSource,
  ServiceProbe,
  TraceSource,
} from '../domain/ports.js';
import type { ReplayJobs } from '../domain/replay-jobs.js';
import type { OperatorGuard } from './operator.js';

export interface ConsoleAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly sessions: Sessions;
  readonly sessionTtlMs: number;
  readonly cookieSecure: boolean;
  /** HERALD_NAMESPACE: the prefix of every queue the overview looks for. */
  readonly namespace: string;
  readonly queues: QueueSource;
  readonly probe: ServiceProbe;
  readonly deadLetters: DeadLetterStore;
  readonly replays: ReplayJobs;
  readonly scheduler: SchedulerSource;
  readonly traces: TraceSource;
  /** Jaeger's web UI; trace ids link there when set, else to the console's own waterfall. */
  readonly jaegerUiUrl: string | undefined;
  readonly liveIntervalMs: number;
  readonly now: () => Date;
}

/** What every page's routes get: the dependencies and the operator guard. */
export interface RouteContext extends ConsoleAppDeps {
  readonly guard: OperatorGuard;
  readonly traceHref: (traceId: string) => string;
}
