import { z } from 'zod';
import { ChannelPreferences, DigestAt, NotificationPreferences } from '@herald/contracts';
import type { HttpServer } from '@herald/runtime';
import type { ApiPorts } from '../domain/ports.js';
import { changePreferences, readPreferences } from '../domain/preferences.js';
import { bearerSecurity, type Authenticator } from './authenticate.js';

const ChannelPatch = z.strictObject(ChannelPreferences.partial().shape);

/**
 * Any subset of the whole shape; an unknown key, a non-boolean, an hour outside 0–23 or an unknown
 * time zone is a 400 that names it. `digestAt` is set as a whole.
 */
export const PreferencesBody = z.strictObject({
  email: ChannelPatch.optional(),
  inApp: ChannelPatch.optional(),
  digestAt: z.strictObject(DigestAt.shape).optional(),
});

export function preferenceRoutes(app: HttpServer, ports: ApiPorts, auth: Authenticator): void {
  const common = { preParsing: auth.required } as const;
  const tags = ['preferences'];
  const security = bearerSecurity;

  app.get(
    '/me/notification-preferences',
    { ...common, schema: { tags, security, response: { 200: NotificationPreferences } } },
    async (request) => (await readPreferences(auth.caller(request).userId, ports)).preferences,
  );

  app.put(
    '/me/notification-preferences',
    {
      ...common,
      schema: { tags, security, body: PreferencesBody, response: { 200: NotificationPreferences } },
    },
    async (request) => changePreferences(auth.caller(request).userId, request.body, ports),
  );
}
