import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  anyOf,
  buildBrokerDefinitions,
  devPassword,
  rabbitPasswordHash,
  servicePermission,
} from './broker-definitions.js';
import { catalog } from './catalog.js';
import { Exchange } from './exchanges.js';
import { serviceQueues, services, type ServiceName } from './topology.js';

const matches = (pattern: string, name: string) => new RegExp(pattern).test(name);
const serviceNames = Object.keys(services) as ServiceName[];

describe('broker definitions from the contract', () => {
  it("hashes passwords the way RabbitMQ's sha256 hashing checks them", () => {
    const hash = Buffer.from(rabbitPasswordHash('mailer', 'secret'), 'base64');
    const salt = hash.subarray(0, 4);
    expect(hash.subarray(4)).toEqual(createHash('sha256').update(salt).update('secret').digest());
    expect(rabbitPasswordHash('mailer', 'secret')).not.toBe(rabbitPasswordHash('api', 'secret'));
  });

  it('matches names exactly: a dot is no wildcard and nothing outside the list passes', () => {
    const pattern = anyOf(['mailer', 'mailer.dlq']);
    expect(matches(pattern, 'mailer.dlq')).toBe(true);
    expect(matches(pattern, 'mailerXdlq')).toBe(false);
    expect(matches(pattern, 'mailer.extra')).toBe(false);
    expect(anyOf([])).toBe('^$');
  });

  it('lets only the producer of an exchange publish to it', () => {
    for (const exchange of Object.values(Exchange)) {
      const producers = serviceNames.filter((s) =>
        services[s].produces.some((type) => catalog[type].exchange === exchange),
      );
      const writers = buildBrokerDefinitions()
        .permissions.filter((p) => matches(p.write, exchange))
        .map((p) => p.user);
      expect(writers, exchange).toEqual(producers);
    }
  });

  it('gives no consumer configure on an exchange it only binds from, so it cannot delete it', () => {
    for (const service of serviceNames) {
      const { configure } = servicePermission(service);
      for (const type of services[service].consumes) {
        const exchange = catalog[type].exchange;
        const produced = services[service].produces.some((t) => catalog[t].exchange === exchange);
        expect(matches(configure, exchange), `${service} on ${exchange}`).toBe(produced);
      }
    }
  });

  it("lets each consumer configure its own topology's names and no other", () => {
    for (const service of serviceNames.filter((s) => services[s].consumes.length > 0)) {
      const { configure, read, write } = servicePermission(service);
      for (const name of serviceQueues(service).flatMap((topology) => [
        topology.queue,
        topology.retryExchange,
        topology.deadLetterQueue,
        ...topology.waitQueues.map((w) => w.name),
      ])) {
        for (const pattern of [configure, read, write])
          expect(matches(pattern, name), name).toBe(true);
      }
      expect(matches(configure, `${service}.extra`)).toBe(false);
      expect(matches(configure, `${service}.wait.soon`)).toBe(false);
      expect(matches(configure, `x${service}`)).toBe(false);
    }
  });

  it('caps the vhost and every user', () => {
    const definitions = buildBrokerDefinitions();
    expect(definitions.parameters).toEqual([
      expect.objectContaining({ vhost: 'herald', component: 'vhost-limits' }),
    ]);
    expect(definitions.users.every((u) => u.limits['max-connections'] > 0)).toBe(true);
    expect(definitions.users.map((u) => u.name)).toEqual([...serviceNames, 'console']);
    expect(
      definitions.users.every(
        (u) => u.password_hash === rabbitPasswordHash(u.name, devPassword(u.name)),
      ),
    ).toBe(true);
  });
});
