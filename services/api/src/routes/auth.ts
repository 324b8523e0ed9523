import { z } from 'zod';
import { Handle } from '@herald/contracts';
import type { HttpServer } from '@herald/runtime';
import type { ApiPorts } from '../domain/ports.js';
import { registerUser } from '../domain/register.js';
import { publicUser } from '../domain/user.js';

export const RegisterBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(8).max(200),
  name: z.string().trim().min(1).max(100),
  handle: Handle,
});

export const PublicUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  handle: z.string(),
});

export function authRoutes(app: HttpServer, ports: ApiPorts): void {
  app.post(
    '/auth/register',
    { schema: { body: RegisterBody, response: { 201: PublicUser } } },
    async (request, reply) => {
      const user = await registerUser(request.body, ports);
      return reply.code(201).send(publicUser(user));
    },
  );
}
