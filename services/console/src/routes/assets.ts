import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HttpServer } from '@herald/runtime';

/** public/ sits beside src/ and dist/, so the same path works from source and built. */
const publicDir = new URL('../../public/', import.meta.url);

const assets = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
} as const;

/** The stylesheet and the one small script, served by the console itself (no CDN, no build). */
export function assetRoutes(app: HttpServer): void {
  for (const [name, type] of Object.entries(assets)) {
    const body = readFileSync(new URL(name, publicDir));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
    app.get(
      `/assets/${name}`,
      { config: { public: true }, logLevel: 'warn' },
      async (request, reply) => {
        reply.header('cache-control', 'no-cache').header('etag', etag).type(type);
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return reply.send(body);
      },
    );
  }
}
