import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LinkTokenString } from '@herald/auth';
import { Handle } from '@herald/contracts';
import { AppError, type HttpServer } from '@herald/runtime';
import type { ApiPorts } from '../domain/ports.js';
import { confirmPasswordReset, requestPasswordReset } from '../domain/password-reset.js';
import { registerUser } from '../domain/register.js';
import { login, logout, refreshSession, type Session } from '../domain/session.js';
import { publicUser } from '../domain/user.js';
import { verifyEmail } from '../domain/verify-email.js';
import { accountPageRoutes } from './account-pages.js';
import { bearerSecurity, type Authenticator } from './authenticate.js';
import { NewPassword, OneLine } from './schemas.js';

export const RegisterBody = z.strictObject({
  email: z.email().max(254),
  password: NewPassword,
  name: OneLine(100),
  handle: Handle,
});

export const LoginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

/**
 * What registration answers, whether or not the address had an account (the owner of a registered
 * address is e-mailed instead): the answer never tells which addresses are registered.
 */
export const RegistrationView = z
  .object({ status: z.literal('verification-sent') })
  .describe(
    'A verification e-mail is on its way (or, for a registered address, a notice to its owner)',
  );

export const VerifyEmailBody = z.strictObject({ token: LinkTokenString });

export const PasswordResetBody = z.strictObject({ email: z.email().max(254) });

export const PasswordResetConfirmBody = z.strictObject({
  token: LinkTokenString,
  password: NewPassword,
});

/** The answer to a reset request, the same whatever the address. */
export const PasswordResetView = z
  .object({ status: z.literal('reset-requested') })
  .describe('A reset link is on its way if the address has an account');

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
    { ...limited, schema: { tags, body: RegisterBody, response: { 202: RegistrationView } } },
    async (request, reply) => {
      await registerUser(request.body, ports);
      return reply.code(202).send({ status: 'verification-sent' as const });
    },
  );

  accountPageRoutes(app, ports, limits.perClient);

  app.post(
    '/auth/verify-email',
    { ...limited, schema: { tags, body: VerifyEmailBody, response: { 204: z.null() } } },
    async (request, reply) => {
      await verifyEmail(request.body.token, ports);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset',
    { ...limited, schema: { tags, body: PasswordResetBody, response: { 202: PasswordResetView } } },
    async (request, reply) => {
      await requestPasswordReset(request.body.email, ports);
      return reply.code(202).send({ status: 'reset-requested' as const });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      ...limited,
      schema: { tags, body: PasswordResetConfirmBody, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await confirmPasswordReset(request.body, ports);
      return reply.code(204).send(null);
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
