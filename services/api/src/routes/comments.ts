import { z } from 'zod';
import type { HttpServer } from '@herald/runtime';
import type { ApiPorts } from '../domain/ports.js';
import { postComment } from '../domain/post-comment.js';
import { bearerSecurity, type Authenticator } from './authenticate.js';
import { IdParams, Text } from './schemas.js';

export const CommentBody = z.strictObject({ body: Text(z.string().trim().min(1).max(10_000)) });

export const CommentView = z.object({
  id: z.string(),
  taskId: z.string(),
  authorId: z.string(),
  body: z.string(),
  mentionIds: z.array(z.string()),
  createdAt: z.string(),
});

export function commentRoutes(app: HttpServer, ports: ApiPorts, auth: Authenticator): void {
  app.post(
    '/tasks/:id/comments',
    {
      preParsing: auth.required,
      schema: {
        tags: ['comments'],
        security: bearerSecurity,
        params: IdParams,
        body: CommentBody,
        response: { 201: CommentView },
      },
    },
    async (request, reply) => {
      const comment = await postComment(
        request.params.id,
        request.body.body,
        auth.caller(request),
        ports,
      );
      return reply.code(201).send({
        ...comment,
        mentionIds: [...comment.mentionIds],
        createdAt: comment.createdAt.toISOString(),
      });
    },
  );
}
