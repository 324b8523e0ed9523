import { z } from 'zod';
import { DeadLetterQueueMissing, type Selector } from '@herald/bus';
import { AppError, type HttpServer } from '@herald/runtime';
import { consumerQueueNames, consumerQueues } from '../domain/queues.js';
import {
  dlqIndex,
  messageDetail,
  messagesTable,
  notice,
  purgeConfirmation,
  replayControls,
  type Notice,
} from '../views/dead-letters.js';
import { problem } from '../views/format.js';
import { html } from '../views/html.js';
import { page, section } from '../views/layout.js';
import type { RouteContext } from './context.js';
import { registerLiveRoute, sendHtml, settle, type Fragments } from './respond.js';

/** The page lists the oldest messages only: each read holds them unacked while it runs. */
const pageLimit = 200;

const ServiceParams = z.strictObject({ service: z.string() });
const NoticeQuery = z.object({
  notice: z.enum(['replayed', 'purged', 'replay-started', 'replay-busy']).optional(),
  count: z.coerce.number().int().min(0).default(0),
});
const CsrfField = { csrf: z.string().optional() };

function consumer(service: string): string {
  if (!consumerQueueNames.includes(service)) {
    throw new AppError('notFound', `no consuming queue "${service}" (and so no DLQ)`);
  }
  return service;
}

function toNotice(query: z.infer<typeof NoticeQuery>): Notice | undefined {
  if (query.notice === 'replayed' || query.notice === 'purged') {
    return { kind: query.notice, count: query.count };
  }
  return query.notice ? { kind: query.notice } : undefined;
}

/** AMQP headers as JSON: byte strings as text, 64-bit integers as digits. */
function headersJson(headers: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    headers,
    (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
        return Buffer.from((value as { data: number[] }).data).toString('utf8');
      }
      return value;
    },
    2,
  );
}

export function deadLetterRoutes(app: HttpServer, ctx: RouteContext): void {
  const indexFragments: Fragments<'dlqs'> = async () => ({
    dlqs: await settle(ctx.queues.queues(), (all) => dlqIndex(consumerQueues(all, ctx.namespace))),
  });

  const serviceFragments =
    (service: string, csrf: string | undefined): Fragments<'replay' | 'messages'> =>
    async () => ({
      replay: replayControls(service, ctx.replays.progress(service), csrf),
      messages: await ctx.deadLetters
        .list(service, pageLimit)
        .then((letters) =>
          messagesTable(service, letters, { csrf, now: ctx.now(), limit: pageLimit }),
        )
        .catch((error: unknown) =>
          error instanceof DeadLetterQueueMissing
            ? html`<p class="empty">
                ${service} has no DLQ yet: it declares one when it starts consuming.
              </p>`
            : problem(error),
        ),
    });

  app.get('/dead-letters', async (request, reply) => {
    const f = await indexFragments();
    return sendHtml(
      reply,
      page(
        {
          title: 'Dead letters',
          section: 'dead-letters',
          csrf: ctx.guard.csrf(request),
          live: '/live/dead-letters',
        },
        section('dlqs', 'Dead-letter queues', f.dlqs),
      ),
    );
  });
  registerLiveRoute(
    app,
    '/live/dead-letters',
    { intervalMs: ctx.liveIntervalMs },
    () => indexFragments,
  );

  app.get(
    '/dead-letters/:service',
    { schema: { params: ServiceParams, querystring: NoticeQuery } },
    async (request, reply) => {
      const service = consumer(request.params.service);
      const csrf = ctx.guard.csrf(request);
      const f = await serviceFragments(service, csrf)();
      return sendHtml(
        reply,
        page(
          {
            title: `Dead letters: ${service}`,
            section: 'dead-letters',
            csrf,
            live: `/live/dead-letters/${service}`,
          },
          html`${notice(toNotice(request.query))} ${section('replay', 'Replay and purge', f.replay)}
          ${section('messages', 'Messages', f.messages)}`,
        ),
      );
    },
  );
  registerLiveRoute(
    app,
    '/live/dead-letters/:service',
    { intervalMs: ctx.liveIntervalMs },
    (request) => {
      const { service } = ServiceParams.parse(request.params);
      return serviceFragments(consumer(service), ctx.guard.csrf(request));
    },
  );

  app.get(
    '/dead-letters/:service/messages/:id',
    { schema: { params: z.strictObject({ service: z.string(), id: z.string().min(1) }) } },
    async (request, reply) => {
      const service = consumer(request.params.service);
      const { id } = request.params;
      const letter = (await ctx.deadLetters.list(service, 10_000)).find((d) => d.messageId === id);
      if (!letter) throw new AppError('notFound', `no message ${id} in ${service}'s DLQ`);
      return sendHtml(
        reply,
        page(
          { title: `Dead letter ${id}`, section: 'dead-letters', csrf: ctx.guard.csrf(request) },
          messageDetail(service, letter, {
            csrf: ctx.guard.csrf(request),
            traceHref: ctx.traceHref,
            headers: headersJson(letter.headers),
          }),
        ),
      );
    },
  );

  app.get(
    '/dead-letters/:service/purge',
    {
      schema: {
        params: ServiceParams,
        querystring: z.object({
          message: z.string().min(1).optional(),
          all: z.literal('1').optional(),
        }),
      },
    },
    async (request, reply) => {
      const service = consumer(request.params.service);
      const { message, all } = request.query;
      if (!message && !all) throw new AppError('validation', 'purge needs ?message=<id> or ?all=1');
      const target = message
        ? { messageId: message }
        : { all: true as const, count: await ctx.deadLetters.depth(service) };
      return sendHtml(
        reply,
        page(
          {
            title: `Purge from ${service}'s DLQ`,
            section: 'dead-letters',
            csrf: ctx.guard.csrf(request),
          },
          purgeConfirmation(service, target, ctx.guard.csrf(request)),
        ),
      );
    },
  );

  const back = (service: string, query: string) => `/dead-letters/${service}?${query}`;

  app.post(
    '/dead-letters/:service/purge',
    {
      schema: {
        params: ServiceParams,
        body: z.object({
          ...CsrfField,
          message: z.string().min(1).optional(),
          all: z.literal('1').optional(),
          confirm: z.literal('yes', { error: 'confirm the purge first (confirm=yes)' }),
        }),
      },
    },
    async (request, reply) => {
      const service = consumer(request.params.service);
      const { message, all } = request.body;
      if (!message && !all) throw new AppError('validation', 'purge needs message=<id> or all=1');
      if (all && ctx.replays.running(service)) {
        return reply.redirect(back(service, 'notice=replay-busy'), 303);
      }
      const selector: Selector = message ? { messageId: message } : { all: true };
      const count = await ctx.deadLetters.purge(service, selector);
      request.log.info({ service, selector, count }, 'dead letters purged');
      return reply.redirect(back(service, `notice=purged&count=${count}`), 303);
    },
  );

  app.post(
    '/dead-letters/:service/replay',
    {
      schema: {
        params: ServiceParams,
        body: z.object({ ...CsrfField, message: z.string().min(1) }),
      },
    },
    async (request, reply) => {
      const service = consumer(request.params.service);
      const count = await ctx.deadLetters.replay(service, { messageId: request.body.message });
      request.log.info({ service, messageId: request.body.message, count }, 'dead letter replayed');
      return reply.redirect(back(service, `notice=replayed&count=${count}`), 303);
    },
  );

  app.post(
    '/dead-letters/:service/replay-all',
    // A bearer client may POST without a body.
    { schema: { params: ServiceParams, body: z.object(CsrfField).nullish() } },
    async (request, reply) => {
      const service = consumer(request.params.service);
      const started = await ctx.replays.start(service);
      if (started) request.log.info({ service }, 'replay of the whole DLQ started');
      return reply.redirect(
        back(service, started ? 'notice=replay-started' : 'notice=replay-busy'),
        303,
      );
    },
  );
}
