import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Handle } from '@herald/contracts';
import { AppError, type HttpServer } from '@herald/runtime';
import type { ApiPorts } from '../domain/ports.js';
import { registerUser } from '../domain/register.js';
import { login, logout, refreshSession, type Session } from '../domain/session.js';
import { publicUser } from '../domain/user.js';
import { bearerSecurity, type Authenticator } from './authenticate.js';
import { OneLine } from './schemas.js';

export const RegisterBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(8).max(200),
  name: OneLine(100),
  handle: Handle,
});

export const LoginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(256) });

export const PublicUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  handle: z.string(),
});

export const SessionView = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  user: PublicUser,
});

export interface AuthRouteDeps {
  readonly ports: ApiPorts;
  readonly auth: Authenticator;
  readonly limits: {
    /** One budget for /auth/* but refresh per client IP, stricter than the global one. */
    readonly perClient: RateLimitHook;
    readonly refresh: RateLimitHook;
    /** Keyed by `loginAccountKey`, so it runs once the body is parsed. */
    readonly loginPerAccount: ReturnType<HttpServer['createRateLimit']>;
  };
}

type RateLimitHook = ReturnType<HttpServer['rateLimit']>;

/** Per-client budgets: a key of their own each, so one budget's requests never spend another's. */
export const clientKey = (budget: string) => (request: FastifyRequest) => `${budget}:${request.ip}`;

/** The login limiter's key: the account tried, however its address is spelled. */
export const loginAccountKey = (request: FastifyRequest) => {
  const body = request.body as { email?: unknown } | undefined;
  return `login:${typeof body?.email === 'string' ? body.email.trim().toLowerCase() : ''}`;
};

const sessionView = (session: Session) => ({ ...session, user: publicUser(session.user) });

export function authRoutes(app: HttpServer, { ports, auth, limits }: AuthRouteDeps): void {
  // The global limit is switched off here: these routes count against the /auth budgets only.
  const limited = { config: { rateLimit: false as const }, onRequest: limits.perClient };
  const tags = ['auth'];

  app.post(
    '/auth/register',
    { ...limited, schema: { tags, body: RegisterBody, response: { 201: PublicUser } } },
    async (request, reply) => {
      const user = await registerUser(request.body, ports);
      return reply.code(201).send(publicUser(user));
    },
  );

  app.post(
    '/auth/login',
    {
      ...limited,
      // @fastify/rate-limit runs one of its hooks per request, so this one is checked by hand.
      preHandler: async (request, reply) => {
        const account = await limits.loginPerAccount(request);
        if (account.isAllowed || !account.isExceeded) return;
        void reply.header('retry-after', String(account.ttlInSeconds));
        throw new AppError(
          'tooManyRequests',
          `too many login attempts for this account; retry in ${account.ttlInSeconds} s`,
        );
      },
      schema: { tags, body: LoginBody, response: { 200: SessionView } },
    },
    async (request) => sessionView(await login(request.body, ports)),
  );

  app.post(
    '/auth/refresh',
    {
      ...limited,
      onRequest: limits.refresh,
      schema: { tags, body: RefreshBody, response: { 200: SessionView } },
    },
    async (request) => sessionView(await refreshSession(request.body.refreshToken, ports)),
  );

  app.post(
    '/auth/logout',
    {
      ...limited,
      preParsing: auth.required,
      schema: { tags, security: bearerSecurity, body: RefreshBody, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await logout(request.body.refreshToken, auth.caller(request).userId, ports);
      return reply.code(204).send(null);
    },
  );
}
