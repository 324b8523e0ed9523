import { z } from 'zod';
import { LinkTokenString } from '@herald/auth';
import type { HttpServer } from '@herald/runtime';
import { confirmPasswordReset } from '../domain/password-reset.js';
import type { ApiPorts } from '../domain/ports.js';
import { verifyEmail } from '../domain/verify-email.js';
import { acceptForms, page, pageResponses, sendPage } from './pages.js';
import { NewPassword } from './schemas.js';

export const LinkTokenParams = z.strictObject({ token: LinkTokenString });

/** The verify page's form carries one fixed field: a POST is a person's click, not a bare fetch. */
export const VerifyForm = z.strictObject({ confirm: z.literal('yes') });

export const ResetForm = z.strictObject({ password: NewPassword });

/**
 * The pages e-mailed links open. GET only shows a form (mail scanners fetch links; nothing is
 * spent); the form posts, without a script, to the same URL (no `action`, so a path prefix in
 * PUBLIC_URL keeps working), and that POST runs what `POST /auth/verify-email` and
 * `POST /auth/password-reset/confirm` run. The token stays in the path, redacted from logs and
 * spans (redact.ts). In a scope of their own, so the form parser applies to no other route.
 */
export function accountPageRoutes(
  app: HttpServer,
  ports: ApiPorts,
  limit: ReturnType<HttpServer['rateLimit']>,
): void {
  void app.register(async (scope: HttpServer) => {
    acceptForms(scope);
    const limited = { config: { rateLimit: false as const }, onRequest: limit };
    const tags = ['auth'];
    const form = { tags, consumes: ['application/x-www-form-urlencoded'], params: LinkTokenParams };

    scope.get(
      '/verify-email/:token',
      { ...limited, schema: { tags, params: LinkTokenParams, response: pageResponses } },
      async (_request, reply) =>
        sendPage(
          reply,
          page(
            'Verify your e-mail address',
            '<p>Confirm that this address is yours to finish setting up your Herald account.</p>' +
              '<form method="post"><input type="hidden" name="confirm" value="yes">' +
              '<button type="submit">Verify my address</button></form>',
          ),
        ),
    );

    scope.post(
      '/verify-email/:token',
      { ...limited, schema: { ...form, body: VerifyForm, response: pageResponses } },
      async (request, reply) => {
        await verifyEmail(request.params.token, ports);
        return sendPage(
          reply,
          page('Address verified', '<p>Thank you: your e-mail address is verified.</p>'),
        );
      },
    );

    scope.get(
      '/reset-password/:token',
      { ...limited, schema: { tags, params: LinkTokenParams, response: pageResponses } },
      async (_request, reply) =>
        sendPage(
          reply,
          page(
            'Choose a new password',
            '<p>Every device signed in to your account will be signed out.</p>' +
              '<form method="post"><p><label>New password<br>' +
              '<input type="password" name="password" minlength="8" maxlength="200" required ' +
              'autocomplete="new-password"></label></p>' +
              '<button type="submit">Change my password</button></form>',
          ),
        ),
    );

    scope.post(
      '/reset-password/:token',
      { ...limited, schema: { ...form, body: ResetForm, response: pageResponses } },
      async (request, reply) => {
        await confirmPasswordReset(
          { token: request.params.token, password: request.body.password },
          ports,
        );
        return sendPage(
          reply,
          page('Password changed', '<p>Your password is changed. Sign in with the new one.</p>'),
        );
      },
    );
  });
}
