import { join, resolve } from 'node:path';

/**
 * Configuration, read from the environment and validated once at boot. Anything wrong is
 * reported all at once, with the variable's name, before a single connection is opened.
 */
export type ProcessRole = 'all' | 'api' | 'worker';

export interface KessaiConfig {
  port: number;
  host: string;
  /** `undefined` means: run the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  role: ProcessRole;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string | undefined;
  /** The HTTP source of daily FX rates (a CSV `date,base,quote,rate`; `{date}` is the day asked for), fetched by the daily tick. */
  fxRatesUrl: string | undefined;
  dbPoolSize: number;
  /** Short parameterised statements as per-connection prepared statements (off behind a transaction-mode pooler). */
  dbPrepareStatements: boolean;
  sandbox: { enabled: boolean; latencyMs: number; faultRate: number };
  stripe: { apiKey: string | undefined; apiBase: string | undefined; webhookSecret: string | undefined; timeoutMs: number };
  capture: { schedule: string; ratePerSecond: Record<string, number>; maxAttempts: number; retryBaseMs: number; workerConcurrency: number; callParallelism: number };
  janitor: { schedule: string; pendingAfterSeconds: number };
  /** Outgoing webhooks; `pollMs` is how often workers look for events and due deliveries. */
  webhooks: { maxAttempts: number; baseDelayMs: number; timeoutMs: number; pollMs: number; allowPrivateNetworks: boolean };
  console: { sessionTtlHours: number; secureCookies: boolean };
  /** Outgoing mail: SMTP when `smtpUrl` is set, otherwise `.eml` files under `dir` (development). */
  mail: { smtpUrl: string | undefined; from: string; dir: string };
  /** A Slack-compatible incoming-webhook URL for the operations channel; unset: logged only. */
  opsWebhookUrl: string | undefined;
  /** How long `POST /v1/carts/{id}/checkout` waits for the run to finish before answering 202. */
  /** `authorizationChecks` re-asks after a lost authorization answer, the first after `authorizationCheckMs`, doubling. */
  checkout: { waitMs: number; orphanAfterSeconds: number; authorizationChecks: number; authorizationCheckMs: number };
  seedDemo: boolean;
  /** Scheduled jobs (capture batch, status sync); off in tests that drive them by hand. */
  schedules: boolean;
  /**
   * Rewards grants (docs/rewards.md): a point's value in yen for the liability report (an exact
   * decimal string); the shared secret `POST /v1/events` bodies are signed with (unset: the route
   * answers 404) and how far a signature's timestamp may be from now; NATS JetStream (unset: off);
   * how often workers read the payments outbox.
   */
  rewards: { pointValueYen: string; eventsSecret: string | undefined; eventsToleranceSeconds: number; natsUrl: string | undefined; natsStream: string; natsSubject: string; natsDurable: string; outboxPollMs: number };
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  private readonly env: Env;
  constructor(env: Env) {
    this.env = env;
  }

  string(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return n;
  }

  ratio(name: string, fallback: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > 1) {
      this.problems.push(`${name} must be a number from 0 to 1 (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.problems.push(`${name} must be true or false (got ${JSON.stringify(raw)})`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    try {
      new URL(raw);
      return raw;
    } catch {
      this.problems.push(`${name} must be a URL (got ${JSON.stringify(raw)})`);
      return undefined;
    }
  }

  /** `sandbox=50,stripe=20` → { sandbox: 50, stripe: 20 } */
  rates(name: string, fallback: Record<string, number>): Record<string, number> {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const out: Record<string, number> = { ...fallback };
    for (const part of raw.split(',')) {
      const [provider, value] = part.split('=').map((s) => s.trim());
      const n = Number(value);
      if (!provider || !Number.isInteger(n) || n <= 0) {
        this.problems.push(`${name} must look like "sandbox=50,stripe=20" (got ${JSON.stringify(raw)})`);
        return fallback;
      }
      out[provider] = n;
    }
    return out;
  }
}

export function loadConfig(env: Env = process.env): KessaiConfig {
  const r = new Reader(env);
  const dataDir = resolve(r.string('KESSAI_DATA_DIR', './.kessai'));
  const config: KessaiConfig = {
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST', '127.0.0.1'),
    databaseUrl: r.url('DATABASE_URL'),
    dataDir,
    embeddedPgPort: r.int('KESSAI_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    role: r.oneOf('KESSAI_ROLE', ['all', 'api', 'worker'] as const, 'all'),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    publicUrl: r.url('KESSAI_PUBLIC_URL'),
    fxRatesUrl: r.url('KESSAI_FX_RATES_URL'),
    dbPoolSize: r.int('KESSAI_DB_POOL_SIZE', 20, 2, 500),
    dbPrepareStatements: r.bool('KESSAI_DB_PREPARE', true),
    sandbox: {
      enabled: r.bool('KESSAI_SANDBOX', true),
      latencyMs: r.int('SANDBOX_LATENCY_MS', 0, 0, 60_000),
      faultRate: r.ratio('SANDBOX_FAULT_RATE', 0),
    },
    stripe: {
      apiKey: r.optional('STRIPE_API_KEY'),
      apiBase: r.url('STRIPE_API_BASE'),
      webhookSecret: r.optional('STRIPE_WEBHOOK_SECRET'),
      timeoutMs: r.int('STRIPE_TIMEOUT_MS', 30_000, 100, 120_000),
    },
    capture: {
      schedule: r.string('KESSAI_CAPTURE_SCHEDULE', '*/10 * * * *'),
      ratePerSecond: r.rates('KESSAI_CAPTURE_RATE', { sandbox: 2000, stripe: 25 }),
      maxAttempts: r.int('KESSAI_CAPTURE_MAX_ATTEMPTS', 5, 1, 50),
      retryBaseMs: r.int('KESSAI_CAPTURE_RETRY_BASE_MS', 2000, 1, 3_600_000),
      workerConcurrency: r.int('KESSAI_CAPTURE_CONCURRENCY', 8, 1, 256),
      callParallelism: r.int('KESSAI_CAPTURE_CALL_PARALLELISM', 8, 1, 256),
    },
    janitor: {
      schedule: r.string('KESSAI_JANITOR_SCHEDULE', '* * * * *'),
      pendingAfterSeconds: r.int('KESSAI_PENDING_AFTER_SECONDS', 60, 0, 86_400),
    },
    webhooks: {
      maxAttempts: r.int('KESSAI_WEBHOOK_MAX_ATTEMPTS', 8, 1, 30),
      baseDelayMs: r.int('KESSAI_WEBHOOK_BASE_DELAY_MS', 1000, 1, 3_600_000),
      timeoutMs: r.int('KESSAI_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      pollMs: r.int('KESSAI_WEBHOOK_POLL_MS', 500, 10, 60_000),
      allowPrivateNetworks: r.bool('KESSAI_WEBHOOK_ALLOW_PRIVATE', false),
    },
    console: {
      sessionTtlHours: r.int('KESSAI_SESSION_TTL_HOURS', 12, 1, 24 * 30),
      secureCookies: r.bool('KESSAI_SECURE_COOKIES', false),
    },
    mail: {
      smtpUrl: r.url('KESSAI_SMTP_URL'),
      from: r.string('KESSAI_MAIL_FROM', 'Kessai shop <shop@kessai.localhost>'),
      dir: resolve(r.string('KESSAI_MAIL_DIR', join(dataDir, 'mail'))),
    },
    opsWebhookUrl: r.url('KESSAI_OPS_WEBHOOK_URL'),
    checkout: { waitMs: r.int('KESSAI_CHECKOUT_WAIT_MS', 10_000, 0, 120_000), orphanAfterSeconds: r.int('KESSAI_CHECKOUT_ORPHAN_SECONDS', 30, 0, 86_400),
      authorizationChecks: r.int('KESSAI_CHECKOUT_AUTH_CHECKS', 5, 0, 20),
      authorizationCheckMs: r.int('KESSAI_CHECKOUT_AUTH_CHECK_MS', 500, 1, 600_000),
    },
    seedDemo: r.bool('KESSAI_SEED_DEMO', true),
    schedules: r.bool('KESSAI_SCHEDULES', true),
    rewards: {
      pointValueYen: r.string('KESSAI_REWARDS_POINT_VALUE_YEN', '1'),
      eventsSecret: r.optional('KESSAI_REWARDS_EVENTS_SECRET'),
      eventsToleranceSeconds: r.int('KESSAI_REWARDS_EVENTS_TOLERANCE_SECONDS', 300, 1, 86_400),
      natsUrl: r.optional('KESSAI_NATS_URL'),
      natsStream: r.string('KESSAI_NATS_STREAM', 'KESSAI_PAYMENTS'),
      natsSubject: r.string('KESSAI_NATS_SUBJECT', 'payments.events.>'),
      natsDurable: r.string('KESSAI_NATS_DURABLE', 'kessai-rewards'),
      outboxPollMs: r.int('KESSAI_REWARDS_POLL_MS', 1000, 10, 60_000),
    },
  };
  if (!/^\d{1,9}(\.\d{1,6})?$/.test(config.rewards.pointValueYen)) {
    r.problems.push(`KESSAI_REWARDS_POINT_VALUE_YEN must be a decimal such as 1 or 0.5 (got ${JSON.stringify(config.rewards.pointValueYen)})`);
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
