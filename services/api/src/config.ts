import { z } from 'zod';
import { CommonEnv, mongoUrlFor, parseEnv, portWithDefault } from '@herald/runtime';

export const ApiEnv = CommonEnv.extend({
  PORT: portWithDefault(3000),
  /** Base of links put into e-mails (invite accept links). */
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(ApiEnv, env);
  return { ...parsed, MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'api') };
}
export type ApiConfig = ReturnType<typeof loadConfig>;
