import type { Consumer } from '@herald/bus';
import type { ConsumedBy, Event } from '@herald/contracts';
import type { ProcessedEvents } from '@herald/store';
import { onSystemHeartbeat, subscribeOnce } from '@herald/store/handlers';
import type { OverduePorts } from '../domain/remind-overdue.js';
import { remindOverdueTasks } from '../domain/remind-overdue.js';
import { deleteExpiredRefreshTokens } from '../domain/session.js';
import type { ApiPorts } from '../domain/ports.js';

export type ApiConsumed = ConsumedBy<'api'>;

/** What the API's schedule handlers reach. */
export type ApiHandlerPorts = OverduePorts &
  Pick<ApiPorts, 'refreshTokens' | 'now'> & {
    readonly heartbeats: { record(slot: Date, receivedAt: Date): Promise<void> };
    readonly log: (message: string, fields: Record<string, unknown>) => void;
  };

/** The schedule events whose data the API owns; a bound type without a handler fails tsc. */
export const handlers: {
  readonly [K in ApiConsumed]: (event: Event<K>, ports: ApiHandlerPorts) => Promise<void>;
} = {
  'schedule.overdue-reminders.due': async (event, ports) => {
    const reminded = await remindOverdueTasks(new Date(event.data.slot), ports);
    ports.log('overdue reminders recorded', { slot: event.data.slot, reminded });
  },
  'schedule.token-cleanup.due': async (event, ports) => {
    const deleted = await deleteExpiredRefreshTokens(ports.now(), ports);
    ports.log('expired refresh tokens deleted', { slot: event.data.slot, deleted });
  },
  'system.heartbeat': onSystemHeartbeat,
};

export function registerHandlers(
  consumer: Consumer<ApiConsumed>,
  types: readonly ApiConsumed[],
  ports: ApiHandlerPorts,
  processed: ProcessedEvents,
): void {
  subscribeOnce(consumer, { handlers, types, ports, processed, consumer: 'api' });
}
