import { CommonEnv, mongoUrlFor, parseEnv, portWithDefault } from '@herald/runtime';

export const NotifierEnv = CommonEnv.extend({
  PORT: portWithDefault(3001),
  /** Messages a replica works on at once. */
  PREFETCH: portWithDefault(50),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(NotifierEnv, env);
  return { ...parsed, MONGO_URL: mongoUrlFor(parsed.MONGO_URL, 'notifier') };
}
export type NotifierConfig = ReturnType<typeof loadConfig>;
