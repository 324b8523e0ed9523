import { z } from 'zod';
import type { HttpServer } from '@herald/runtime';
import { acceptInvite } from '../domain/invites.js';
import type { ApiPorts } from '../domain/ports.js';
import { bearerSecurity, type Authenticator } from './authenticate.js';
import { InviteTokenParams } from './schemas.js';
import { WorkspaceView, workspaceView } from './workspaces.js';

export const AcceptedView = z.object({
  workspace: WorkspaceView,
  /** False when the caller was a member already (nothing changed). */
  joined: z.boolean(),
});

export function inviteRoutes(app: HttpServer, ports: ApiPorts, auth: Authenticator): void {
  app.post(
    '/invites/:token/accept',
    {
      preParsing: auth.required,
      schema: {
        tags: ['workspaces'],
        security: bearerSecurity,
        params: InviteTokenParams,
        response: { 200: AcceptedView },
      },
    },
    async (request) => {
      const { workspace, joined } = await acceptInvite(
        request.params.token,
        auth.caller(request),
        ports,
      );
      return { workspace: workspaceView(workspace), joined };
    },
  );
}
