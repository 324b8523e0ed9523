/** URLs of the real servers; scripts/test.sh exports them after bringing the servers up. */
export const servers = {
  rabbitmq: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  management: process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672',
  mongo: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
  /** Jaeger's OTLP/HTTP receiver and query API (scripts/jaeger.sh). */
  otlp: process.env.JAEGER_OTLP_URL ?? 'http://127.0.0.1:4318',
  jaegerQuery: process.env.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686',
};

/** A fresh prefix per test so exchanges, queues and databases never collide between runs. */
export function uniqueNamespace(label = 't'): string {
  return `${label}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}.`;
}

/** A database URL of its own for one test. */
export function mongoUrlForTest(namespace: string): string {
  const url = new URL(servers.mongo);
  url.pathname = `/${namespace.replace(/\W/g, '_')}`;
  return url.toString();
}
