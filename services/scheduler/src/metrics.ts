import { Counter, Gauge } from 'prom-client';
import { createMetrics } from '@herald/runtime';

/** The shared series plus the scheduler's: leadership and slots. */
export function createSchedulerMetrics() {
  const metrics = createMetrics('scheduler');
  const registers = [metrics.registry];
  return {
    ...metrics,
    leader: new Gauge({
      name: 'herald_scheduler_leader',
      help: '1 while this replica leads',
      registers,
    }),
    fencingToken: new Gauge({
      name: 'herald_scheduler_fencing_token',
      help: 'Token of the lease this replica holds',
      registers,
    }),
    slotsFired: new Counter({
      name: 'herald_scheduler_slots_fired_total',
      help: 'Slots published and confirmed',
      labelNames: ['schedule'],
      registers,
    }),
    leadershipsAcquired: new Counter({
      name: 'herald_scheduler_leaderships_acquired_total',
      help: 'Times this replica became leader (failovers to it)',
      registers,
    }),
  };
}
export type SchedulerMetrics = ReturnType<typeof createSchedulerMetrics>;
