import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Serves the operator console (a single-page app built by `npm run build:console` into
 * `console/dist`) at `/console/`. The files themselves are public; every data call the console
 * makes is authenticated by the operator's session cookie.
 *
 * - `/console/assets/*` are content-hashed: cached for a year, immutable; a missing one is a 404.
 * - Any other `/console/*` path is a deep link into the app and gets `index.html` (`no-cache`,
 *   so a new build is picked up on the next load), unless it names a file at the top of the
 *   build (e.g. `favicon.svg`).
 * - With no build present, `/console/` answers 503 saying how to build it.
 */

const ROUTE = { config: { public: true }, schema: { hide: true } } as const;
const YEAR_SECONDS = 365 * 24 * 3600;
const TOP_LEVEL_FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.[A-Za-z0-9]+$/;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
} as const;

const HTML_HEADERS = {
  ...SECURITY_HEADERS,
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
} as const;

export const CONSOLE_NOT_BUILT_MESSAGE =
  'The operator console is not built. Run `npm run build:console` in the Kessai directory, then reload this page.\n';

export async function installConsole(app: FastifyInstance, distDir: string): Promise<void> {
  const indexFile = join(distDir, 'index.html');

  await app.register(async (scope) => {
    // serve: false — only `reply.sendFile`, inside this plugin's scope; the routes are ours.
    await scope.register(fastifyStatic, { root: distDir, serve: false });

    function sendIndex(reply: FastifyReply): FastifyReply {
      // Checked per request: a build made while the server runs is served without a restart.
      if (!existsSync(indexFile)) {
        return reply.status(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(CONSOLE_NOT_BUILT_MESSAGE);
      }
      return reply.headers(HTML_HEADERS).sendFile('index.html', distDir, { cacheControl: false });
    }

    scope.get('/console', ROUTE, async (_request, reply) => reply.redirect('/console/'));
    scope.get('/console/', ROUTE, async (_request, reply) => sendIndex(reply));

    scope.get<{ Params: { '*': string } }>('/console/assets/*', ROUTE, async (request, reply) =>
      reply.headers(SECURITY_HEADERS).sendFile(`assets/${request.params['*']}`, distDir, { maxAge: YEAR_SECONDS * 1000, immutable: true }),
    );

    scope.get<{ Params: { '*': string } }>('/console/*', ROUTE, async (request, reply) => {
      const rest = request.params['*'];
      if (TOP_LEVEL_FILE.test(rest) && existsSync(join(distDir, rest))) {
        return reply.headers(SECURITY_HEADERS).sendFile(rest, distDir, { maxAge: 3_600_000 });
      }
      return sendIndex(reply);
    });
  });
}
