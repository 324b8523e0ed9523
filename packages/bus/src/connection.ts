import { connect, type ChannelModel } from 'amqplib';
import { reconnectDelay, sleep } from './backoff.js';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';

export interface BrokerConnectionOptions {
  /** amqp(s)://user:pass@host:port/vhost */
  readonly url: string;
  /** Shown in the broker's connection list (and used by tests to close it from the broker side). */
  readonly name: string;
  readonly logger: Logger;
  /** First reconnect delay; doubles per failed attempt, with jitter. */
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  readonly heartbeatSeconds?: number;
  /**
   * Gives up on a TCP connect or AMQP handshake that stays silent this long. A broker out of file
   * descriptors accepts the socket but never answers, and without a limit the attempt waits forever.
   */
  readonly connectTimeoutMs?: number;
  /** Opens one AMQP connection: amqplib's `connect`, or a fake in unit tests of the recovery. */
  readonly connect?: (url: string, socketOptions: SocketOptions) => Promise<ChannelModel>;
}

/** What the connection passes to amqplib's socket: its name in the broker's list, the timeout. */
export interface SocketOptions {
  readonly clientProperties: { readonly connection_name: string };
  readonly timeout: number;
}

/** Runs on every (re)connection; publishers and consumers open their channels here. */
export type ConnectedListener = (connection: ChannelModel) => Promise<void> | void;

/**
 * One AMQP connection that keeps itself up: it reconnects with backoff whenever the broker or the
 * network drops it, and re-runs every registered listener so channels, topology and consumers come
 * back without the caller noticing.
 */
export class BrokerConnection {
  readonly #options: BrokerConnectionOptions;
  readonly #listeners = new Set<ConnectedListener>();
  readonly #stopped = new AbortController();
  #current: ChannelModel | undefined;
  #loop: Promise<void> | undefined;
  #waiters: (() => void)[] = [];
  #settingUp = false;

  constructor(options: BrokerConnectionOptions) {
    this.#options = options;
  }

  get connected(): boolean {
    return this.#current !== undefined;
  }

  get current(): ChannelModel | undefined {
    return this.#current;
  }

  /** Starts connecting in the background; never throws for an unreachable broker. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Registers a listener and, if connected now, runs it for the current connection at once. */
  async onConnected(listener: ConnectedListener): Promise<void> {
    this.#listeners.add(listener);
    // During setup the running loop visits listeners added to the set, so do not run it twice.
    if (this.#current && !this.#settingUp) await listener(this.#current);
  }

  /** Resolves when connected, or rejects after `timeoutMs`. */
  async waitUntilConnected(timeoutMs: number): Promise<void> {
    if (this.#current) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        reject(new Error(`broker not reachable within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(done);
    });
  }

  async close(): Promise<void> {
    this.#stopped.abort();
    const connection = this.#current;
    this.#current = undefined;
    if (connection) await connection.close().catch(() => undefined);
    await this.#loop;
  }

  #nextDelay(attempt: number): number {
    return reconnectDelay(
      attempt,
      this.#options.reconnectInitialMs ?? 200,
      this.#options.reconnectMaxMs ?? 10_000,
    );
  }

  /** Runs every listener; on failure closes the connection so the loop starts over. */
  async #setUp(connection: ChannelModel): Promise<boolean> {
    this.#settingUp = true;
    try {
      for (const listener of this.#listeners) await listener(connection);
      return false;
    } catch (error) {
      this.#options.logger.error({ err: errorMessage(error) }, 'broker setup failed; reconnecting');
      await connection.close().catch(() => undefined);
      return true;
    } finally {
      this.#settingUp = false;
    }
  }

  async #run(): Promise<void> {
    const log = this.#options.logger;
    const { signal } = this.#stopped;
    let attempt = 0;
    while (!signal.aborted) {
      let connection: ChannelModel;
      try {
        connection = await (this.#options.connect ?? connect)(
          withHeartbeat(this.#options.url, this.#options.heartbeatSeconds ?? 15),
          {
            clientProperties: { connection_name: this.#options.name },
            timeout: this.#options.connectTimeoutMs ?? 10_000,
          },
        );
      } catch (error) {
        const delay = this.#nextDelay(attempt++);
        log.warn({ err: errorMessage(error), retryInMs: delay }, 'broker connection failed');
        await sleep(delay, signal);
        continue;
      }
      if (signal.aborted) {
        await connection.close().catch(() => undefined);
        return;
      }
      const lost = new Promise<void>((resolve) => {
        connection.on('close', (err?: unknown) => {
          if (err) log.warn({ err: errorMessage(err) }, 'broker connection lost');
          resolve();
        });
      });
      // Without an error listener an unexpected close would crash the process.
      connection.on('error', (err: unknown) =>
        log.warn({ err: errorMessage(err) }, 'broker connection error'),
      );
      connection.on('blocked', (reason: unknown) =>
        log.warn({ reason }, 'broker blocked publishing'),
      );
      connection.on('unblocked', () => log.info({}, 'broker unblocked publishing'));
      this.#current = connection;
      log.info({ name: this.#options.name }, 'broker connected');
      const setupFailed = await this.#setUp(connection);
      if (!setupFailed) {
        attempt = 0;
        for (const wake of this.#waiters.splice(0)) wake();
      }
      await lost;
      if (this.#current === connection) this.#current = undefined;
      if (setupFailed) {
        // A setup that keeps failing (e.g. a topology mismatch) must not reconnect in a tight loop.
        await sleep(this.#nextDelay(attempt++), signal);
      }
    }
  }
}

/** A dead peer is noticed within ~2 heartbeats instead of the TCP timeout; the URL's own value wins. */
function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}
