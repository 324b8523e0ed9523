import { expect } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import {
  deleteNamespace,
  mongoUrlForTest,
  servers,
  startService,
  startSmtpServer,
  uniqueNamespace,
  type RunningService,
  type TestSmtpServer,
} from '@herald/testkit';
import { TestProducer } from './producer.js';

/** Mailer processes on a namespace and database of their own, mailing a test SMTP server. */
export interface MailerRig {
  readonly namespace: string;
  readonly smtp: TestSmtpServer;
  readonly replicas: readonly RunningService[];
  /** Publishes as the services that produce what the mailer consumes. */
  readonly producer: TestProducer;
  /** The mailers' database. */
  readonly db: Db;
  /** Stops the mailers (each must exit 0), then drops everything the rig made. */
  close(): Promise<void>;
}

export async function startMailers(options: {
  readonly label: string;
  readonly replicas?: number;
  readonly env?: Readonly<Record<string, string>>;
}): Promise<MailerRig> {
  const namespace = uniqueNamespace(options.label);
  const mongoUrl = mongoUrlForTest(`${namespace}mailer`);
  const smtp = await startSmtpServer();
  const env = {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    SMTP_URL: smtp.url,
    ...options.env,
  };
  const replicas = await Promise.all(
    Array.from({ length: options.replicas ?? 1 }, () => startService('mailer', env)),
  );
  const producer = new TestProducer(namespace);
  const mongo = await MongoClient.connect(servers.mongo);
  const db = mongo.db(new URL(mongoUrl).pathname.slice(1));
  return {
    namespace,
    smtp,
    replicas,
    producer,
    db,
    async close() {
      for (const replica of replicas) expect(await replica.stop()).toBe(0);
      await producer.close();
      await smtp.close();
      await db.dropDatabase();
      await mongo.close();
      await deleteNamespace(namespace);
    },
  };
}
