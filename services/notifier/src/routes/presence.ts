import { z } from 'zod';
import { Id } from '@herald/contracts';
import type { HttpServer } from '@herald/runtime';
import { readPresence, type PresencePorts } from '../domain/read-presence.js';
import type { Authenticator } from './authenticate.js';

export const PresenceBody = z.object({
  members: z.array(z.object({ userId: z.string(), name: z.string(), since: z.iso.datetime() })),
});

/** `GET /workspaces/:id/presence`: who in the workspace has a live stream open, on any replica. */
export function presenceRoutes(
  app: HttpServer,
  deps: PresencePorts & { readonly auth: Authenticator },
): void {
  const { auth } = deps;
  app.get(
    '/workspaces/:id/presence',
    {
      onRequest: auth.bearer,
      schema: { params: z.strictObject({ id: Id }), response: { 200: PresenceBody } },
    },
    async (request) => {
      const present = await readPresence(
        { workspaceId: request.params.id, callerId: auth.caller(request).userId },
        deps,
      );
      return { members: present.map((m) => ({ ...m, since: m.since.toISOString() })) };
    },
  );
}
