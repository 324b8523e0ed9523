// One comment, one trace: API -> broker -> mailer, notifier and activity, read back from Jaeger.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  HeraldClient,
  deleteNamespace,
  eventually,
  servers,
  startSmtpServer,
  startSystem,
  uniqueNamespace,
  workspaceWithMembers,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';

const namespace = uniqueNamespace('trace');
let system: RunningSystem;
let smtp: TestSmtpServer;

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; spanID: string }[];
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

beforeAll(async () => {
  const jaeger = await fetch(`${servers.jaegerQuery}/api/services`).catch(() => undefined);
  if (!jaeger?.ok) {
    throw new Error(
      `Jaeger is not answering at ${servers.jaegerQuery}: npm test starts it (scripts/jaeger.sh up)`,
    );
  }
  smtp = await startSmtpServer();
  system = await startSystem({
    namespace,
    env: {
      SMTP_URL: smtp.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: servers.otlp,
      // Export quickly so the test does not wait for the default 5 s batch.
      OTEL_BSP_SCHEDULE_DELAY: '200',
      RATE_LIMIT_MAX: '10000',
    },
  });
});

afterAll(async () => {
  await system.stop();
  await smtp.close();
  await deleteNamespace(namespace);
});

it('follows a comment from the HTTP request through RabbitMQ into every consumer, correctly parented', async () => {
  const api = new HeraldClient(system.services.api!.url);
  const { owner: ada, workspaceId } = await workspaceWithMembers(
    api,
    smtp,
    { owner: 'ada', members: ['bob'] },
    'Tracing',
  );
  const { id: taskId } = await ada.api.expect<{ id: string }>(
    201,
    'POST',
    `/workspaces/${workspaceId}/tasks`,
    { title: 'Trace me' },
  );

  const response = await fetch(`${system.services.api!.url}/tasks/${taskId}/comments`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ada.session.accessToken}`,
    },
    body: JSON.stringify({ body: 'hello @bob' }),
  });
  expect(response.status).toBe(201);
  const traceId = response.headers.get('x-trace-id');
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);

  const wanted = ['api', 'mailer', 'notifier', 'activity'];
  // Services export in batches, so a parent can arrive after its children: wait for a trace that
  // has every service and no span whose parent is still missing.
  const complete = (found: JaegerTrace) => {
    const ids = new Set(found.spans.map((s) => s.spanID));
    const services = new Set(found.spans.map((s) => found.processes[s.processID]?.serviceName));
    const orphans = found.spans.filter((s) =>
      s.references.some((r) => r.refType === 'CHILD_OF' && !ids.has(r.spanID)),
    );
    return wanted.every((w) => services.has(w)) && orphans.length === 0;
  };
  const trace = await eventually(
    'a complete trace from every service in Jaeger',
    async () => {
      const answer = await fetch(`${servers.jaegerQuery}/api/traces/${traceId}`);
      if (!answer.ok) return undefined;
      const [found] = ((await answer.json()) as { data: JaegerTrace[] }).data;
      return found && complete(found) ? found : undefined;
    },
    60_000,
  );

  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const serviceOf = (span: JaegerSpan) => trace.processes[span.processID]!.serviceName;
  const parentOf = (span: JaegerSpan) =>
    byId.get(span.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '');
  // Exactly one root, and it is the API's handling of the HTTP request.
  const roots = trace.spans.filter((s) => !parentOf(s));
  expect(roots).toHaveLength(1);
  expect(serviceOf(roots[0]!)).toBe('api');
  // Every consumer's work hangs off a span of the API's process (the publish), not off a new trace.
  for (const consumer of ['mailer', 'notifier', 'activity']) {
    const first = trace.spans.find(
      (s) => serviceOf(s) === consumer && serviceOf(parentOf(s)!) !== consumer,
    )!;
    expect(first, `${consumer} has a span parented across the broker`).toBeDefined();
    expect(serviceOf(parentOf(first)!)).toBe('api');
  }
});
