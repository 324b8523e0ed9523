import { z } from 'zod';
import type { HttpServer } from '@herald/runtime';
import { inviteMember } from '../domain/invites.js';
import type { ApiPorts } from '../domain/ports.js';
import { keyPattern, type Workspace } from '../domain/workspace.js';
import { createWorkspace, listMembers } from '../domain/workspaces.js';
import { bearerSecurity, type Authenticator } from './authenticate.js';
import { IdParams, OneLine, PersonView } from './schemas.js';

export const CreateWorkspaceBody = z.strictObject({
  name: OneLine(100),
  /** Task key prefix; derived from the name when absent. */
  key: z
    .string()
    .transform((key) => key.toUpperCase())
    .pipe(z.string().regex(keyPattern, 'key must be 2-5 letters'))
    .optional(),
});

export const WorkspaceView = z.object({
  id: z.string(),
  name: z.string(),
  key: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});

export const InviteBody = z.strictObject({ email: z.email().max(254) });

export const InviteView = z.object({
  id: z.string(),
  workspaceId: z.string(),
  email: z.string(),
  expiresAt: z.string(),
});

export const MembersView = z.object({
  members: z.array(PersonView.extend({ role: z.string(), joinedAt: z.string() })),
});

export function workspaceView(workspace: Workspace) {
  return { ...workspace, createdAt: workspace.createdAt.toISOString() };
}

export function workspaceRoutes(app: HttpServer, ports: ApiPorts, auth: Authenticator): void {
  const common = { preParsing: auth.required } as const;
  const tags = ['workspaces'];

  app.post(
    '/workspaces',
    {
      ...common,
      schema: {
        tags,
        security: bearerSecurity,
        body: CreateWorkspaceBody,
        response: { 201: WorkspaceView },
      },
    },
    async (request, reply) => {
      const workspace = await createWorkspace(request.body, auth.caller(request), ports);
      return reply.code(201).send(workspaceView(workspace));
    },
  );

  app.post(
    '/workspaces/:id/invites',
    {
      ...common,
      schema: {
        tags,
        security: bearerSecurity,
        params: IdParams,
        body: InviteBody,
        response: { 201: InviteView },
      },
    },
    async (request, reply) => {
      const invite = await inviteMember(
        request.params.id,
        request.body.email,
        auth.caller(request),
        ports,
      );
      return reply.code(201).send({
        id: invite.id,
        workspaceId: invite.workspaceId,
        email: invite.email,
        expiresAt: invite.expiresAt.toISOString(),
      });
    },
  );

  app.get(
    '/workspaces/:id/members',
    {
      ...common,
      schema: { tags, security: bearerSecurity, params: IdParams, response: { 200: MembersView } },
    },
    async (request) => {
      const members = await listMembers(request.params.id, auth.caller(request), ports);
      return {
        members: members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() })),
      };
    },
  );
}
