import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type KessaiConfig } from '../../src/config/index.ts';
import { startPlatform, type Platform } from '../../src/platform.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  platform: Platform;
  database: TestDatabase;
  /** An API key with every scope. */
  adminKey: string;
  /** inject() with the admin key unless `headers.authorization` is given (null: none). */
  request(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}, extra: Partial<KessaiConfig> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', KESSAI_SANDBOX: 'true', KESSAI_SCHEDULES: 'false', KESSAI_WEBHOOK_ALLOW_PRIVATE: 'true', ...env, DATABASE_URL: database.url }), ...extra };
  const platform = await startPlatform(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  const app = await buildApp(platform);
  const { key: adminKey } = await platform.identity.createApiKey({ name: 'test admin', scopes: ['admin'] });
  return {
    app,
    platform,
    database,
    adminKey,
    request({ key, ...options }) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>;
      if (key !== null && headers.authorization === undefined) headers.authorization = `Bearer ${key ?? adminKey}`;
      return app.inject({ ...options, headers });
    },
    async close() {
      await app.close();
      await platform.close();
      await database.drop();
    },
  };
}
