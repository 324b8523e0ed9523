// The baseline for the API's HTTP throughput: fastify with one POST route that parses the JSON body
// and answers 201, and nothing else (no auth, validation, store or outbox). Its own process, started
// like a service (node --conditions=@herald/source --import tsx), so both servers have a core's worth
// of event loop and the same flags. Says "ready" once listening; closes when told to stop.
import { fastify } from 'fastify';
import { exitWithParent, readJob, runWorker, tell, type ParentMessage } from './protocol.js';

const job = readJob('fastify');
exitWithParent();

async function main(): Promise<void> {
  const app = fastify();
  app.post<{ Params: { id: string }; Body: { body?: unknown } }>(
    '/tasks/:id/comments',
    async (request, reply) =>
      reply.code(201).send({ taskId: request.params.id, length: String(request.body.body).length }),
  );
  await app.listen({ port: job.port, host: '127.0.0.1' });
  await tell({ type: 'ready' });
  await new Promise<void>((resolve) =>
    process.on('message', (message: ParentMessage) => {
      if (message.type === 'stop') resolve();
    }),
  );
  await app.close();
}

await runWorker(main);
