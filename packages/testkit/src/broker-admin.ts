import { servers } from './servers.js';

/** RabbitMQ's management HTTP API: works the same for a native broker and one in a container. */
async function management(path: string, init: RequestInit = {}): Promise<Response> {
  const base = new URL(servers.management);
  const auth = Buffer.from(
    `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
  ).toString('base64');
  base.username = '';
  base.password = '';
  const response = await fetch(new URL(`/api${path}`, base), {
    ...init,
    headers: {
      authorization: `Basic ${auth}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(
      `management API ${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`,
    );
  }
  return response;
}

interface ConnectionInfo {
  name: string;
  client_properties?: { connection_name?: string };
}

/** Closes, from the broker side, every connection whose client name starts with `prefix`. */
export async function closeConnections(prefix: string): Promise<number> {
  // The management API refreshes its connection list every few seconds; poll until one shows up.
  for (let tries = 0; tries < 50; tries++) {
    const list = (await (await management('/connections')).json()) as ConnectionInfo[];
    const mine = list.filter((c) => c.client_properties?.connection_name?.startsWith(prefix));
    if (mine.length > 0) {
      for (const c of mine) {
        await management(`/connections/${encodeURIComponent(c.name)}`, {
          method: 'DELETE',
          headers: { 'x-reason': 'closed by test' },
        });
      }
      return mine.length;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no broker connection named ${prefix}*`);
}

/** Ready + unacked messages of a queue, straight from the broker. */
export async function queueDepth(queue: string): Promise<number> {
  const response = await management(`/queues/%2F/${encodeURIComponent(queue)}`);
  if (response.status === 404) return 0;
  const info = (await response.json()) as { messages?: number };
  return info.messages ?? 0;
}

/** Consumers subscribed to a queue, or undefined while the queue does not exist. */
export async function queueConsumers(queue: string): Promise<number | undefined> {
  const response = await management(`/queues/%2F/${encodeURIComponent(queue)}`);
  if (response.status === 404) return undefined;
  const info = (await response.json()) as { consumers?: number };
  return info.consumers ?? 0;
}

/**
 * Applies a policy (e.g. `{ 'max-length': 0, overflow: 'reject-publish' }`) to the queues matching
 * `pattern`. Name it after the test's namespace: `deleteNamespace` removes it with the queues.
 */
export async function setPolicy(
  name: string,
  pattern: string,
  definition: Record<string, unknown>,
): Promise<void> {
  await management(`/policies/%2F/${encodeURIComponent(name)}`, {
    method: 'PUT',
    body: JSON.stringify({ pattern, definition, 'apply-to': 'queues', priority: 999 }),
  });
}

/** Deletes one queue, as an operator would (its messages and bindings go with it). */
export async function deleteQueue(queue: string): Promise<void> {
  await management(`/queues/%2F/${encodeURIComponent(queue)}`, { method: 'DELETE' });
}

/** Deletes every queue, exchange and policy of a test namespace. */
export async function deleteNamespace(namespace: string): Promise<void> {
  const policies = (await (await management('/policies/%2F')).json()) as { name: string }[];
  for (const p of policies.filter((p) => p.name.startsWith(namespace))) {
    await management(`/policies/%2F/${encodeURIComponent(p.name)}`, { method: 'DELETE' });
  }
  const queues = (await (await management('/queues/%2F')).json()) as { name: string }[];
  for (const q of queues.filter((q) => q.name.startsWith(namespace))) {
    await deleteQueue(q.name);
  }
  const exchanges = (await (await management('/exchanges/%2F')).json()) as { name: string }[];
  for (const e of exchanges.filter((e) => e.name.startsWith(namespace))) {
    await management(`/exchanges/%2F/${encodeURIComponent(e.name)}`, { method: 'DELETE' });
  }
}
