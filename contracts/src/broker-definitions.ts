import { createHash } from 'node:crypto';
import { catalog, type EventType } from './catalog.js';
import { Exchange } from './exchanges.js';
import {
  consumerQueueTopologies,
  liveEvents,
  liveQueue,
  serviceQueues,
  services,
  type ServiceName,
} from './topology.js';

/** The vhost the chart's services connect to. */
export const brokerVhost = 'herald';

/**
 * Ceilings for the vhost: Herald declares 8 queues per consumer plus one live queue per notifier
 * replica, and each replica holds a few connections, so these leave room for scale-out while a
 * runaway declare loop or connection leak hits a wall instead of the node's memory.
 */
export const brokerVhostLimits = { 'max-queues': 256, 'max-connections': 512 } as const;

/** Per user: a replica opens one connection; 64 is 32 replicas with room for reconnect overlap. */
const userLimits = { 'max-connections': 64 } as const;

/** The operator console's user: reads DLQs and republishes them, through the management API too. */
export const consoleUser = 'console';

export interface Permission {
  readonly user: string;
  readonly vhost: string;
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

export interface BrokerDefinitions {
  readonly vhosts: readonly { readonly name: string }[];
  readonly users: readonly {
    readonly name: string;
    readonly password_hash: string;
    readonly hashing_algorithm: 'rabbit_password_hashing_sha256';
    readonly tags: readonly string[];
    readonly limits: typeof userLimits;
  }[];
  readonly permissions: readonly Permission[];
  readonly parameters: readonly {
    readonly vhost: string;
    readonly component: 'vhost-limits';
    readonly name: 'limits';
    readonly value: typeof brokerVhostLimits;
  }[];
  readonly exchanges: readonly {
    readonly name: string;
    readonly vhost: string;
    readonly type: 'topic';
    readonly durable: true;
    readonly auto_delete: false;
    readonly internal: false;
    readonly arguments: Record<string, never>;
  }[];
}

/** The development password of a user: `<user>-dev-password` (deploy/rabbitmq/README.md). */
export const devPassword = (user: string) => `${user}-dev-password`;

/**
 * RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ‖ SHA-256(salt ‖ password)). The salt
 * is derived from the user name so the generated file is stable and its drift check meaningful;
 * these are development passwords, replaced after import anywhere else.
 */
export function rabbitPasswordHash(user: string, password: string): string {
  const salt = createHash('sha256').update(`herald:${user}`).digest().subarray(0, 4);
  const digest = createHash('sha256').update(salt).update(password).digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern matching exactly `names` (sorted, so the file does not churn) and `patterns`, or nothing. */
export function anyOf(names: Iterable<string>, patterns: readonly string[] = []): string {
  const alternatives = [...[...new Set(names)].sort().map(escape), ...patterns];
  if (alternatives.length === 0) return '^$';
  return alternatives.length === 1 ? `^${alternatives[0]}$` : `^(${alternatives.join('|')})$`;
}

const exchangesOf = (types: readonly EventType[]) => types.map((type) => catalog[type].exchange);

function live(service: ServiceName): { exchanges: string[]; queuePattern: string[] } {
  if (!(service in liveEvents)) return { exchanges: [], queuePattern: [] };
  const topology = liveQueue(service as keyof typeof liveEvents, 'replica');
  const prefix = topology.queue.slice(0, -'replica'.length);
  // `<service>.live.<replica>.<n>`: one per subscription of each replica, bounded by the vhost's limit.
  return {
    exchanges: topology.bindings.map((b) => b.exchange),
    queuePattern: [`${escape(prefix)}.+`],
  };
}

/**
 * What one service's code does on the broker, and nothing more. Configure: its own queues and retry
 * exchange (exact names from its topology) and the exchanges it publishes to; the exchanges it binds
 * from are checked passively (packages/bus), so no consumer can delete another service's exchange.
 * Write: publishing to its exchanges and its retry exchange, binding to its own queues. Read:
 * consuming its queues and binding from the exchanges of what it consumes.
 */
export function servicePermission(service: ServiceName): Permission {
  const spec = services[service];
  const produced = exchangesOf(spec.produces);
  const own: string[] = [];
  const ownPatterns: string[] = [];
  for (const topology of serviceQueues(service)) {
    own.push(topology.queue, topology.retryExchange, topology.deadLetterQueue);
    // Wait queues are named by their delay, which RETRY_DELAYS_MS may change at deploy time.
    ownPatterns.push(`${escape(topology.queue)}\\.wait\\.[0-9]+ms`);
  }
  const liveTopology = live(service);
  ownPatterns.push(...liveTopology.queuePattern);
  return {
    user: service,
    vhost: brokerVhost,
    configure: anyOf([...own, ...produced], ownPatterns),
    write: anyOf([...own, ...produced], ownPatterns),
    read: anyOf([...own, ...exchangesOf(spec.consumes), ...liveTopology.exchanges], ownPatterns),
  };
}

/** The console lists, replays and purges dead letters: read on every DLQ, write on every retry exchange. */
function consolePermission(): Permission {
  const topologies = consumerQueueTopologies().map((q) => q.topology);
  return {
    user: consoleUser,
    vhost: brokerVhost,
    configure: '^$',
    write: anyOf(topologies.map((t) => t.retryExchange)),
    read: anyOf(topologies.map((t) => t.deadLetterQueue)),
  };
}

/** deploy/rabbitmq/definitions.json, from the contract: one least-privilege user per service. */
export function buildBrokerDefinitions(): BrokerDefinitions {
  const users = [...(Object.keys(services) as ServiceName[]), consoleUser];
  return {
    vhosts: [{ name: brokerVhost }],
    users: users.map((name) => ({
      name,
      password_hash: rabbitPasswordHash(name, devPassword(name)),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      // `management` lets the console read its vhost's queues over the management API, nothing else.
      tags: name === consoleUser ? ['management'] : [],
      limits: userLimits,
    })),
    permissions: [
      ...(Object.keys(services) as ServiceName[]).map(servicePermission),
      consolePermission(),
    ],
    parameters: [
      { vhost: brokerVhost, component: 'vhost-limits', name: 'limits', value: brokerVhostLimits },
    ],
    exchanges: Object.values(Exchange).map((name) => ({
      name,
      vhost: brokerVhost,
      type: 'topic',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    })),
  };
}
