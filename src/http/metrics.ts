import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kessai_' });
  return registry;
}

/** Request counts and latencies by route template (not raw URL, to keep cardinality bounded). */
export function installMetrics(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'kessai_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kessai_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // The labelled series of each route, method and status, looked up once: prom-client otherwise
  // hashes the label set on every update. Bounded by the routes times the statuses they answer.
  const series = new Map<string, { count: { inc(): void }; latency: { observe(v: number): void } }>();
  // A callback hook, not an async one: no promise per request for a few counter updates.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let s = series.get(key);
    if (s === undefined) {
      s = { count: requests.labels({ method: request.method, route, status: String(reply.statusCode) }), latency: duration.labels({ method: request.method, route }) };
      series.set(key, s);
    }
    s.count.inc();
    s.latency.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
