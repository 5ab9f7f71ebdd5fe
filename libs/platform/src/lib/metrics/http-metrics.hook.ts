import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics.registry';

/**
 * Request latency by method, route pattern (not raw path: ids would explode cardinality) and status,
 * taken from fastify's own timing once the response is sent.
 */
export function countHttpRequests(instance: FastifyInstance, registry: MetricsRegistry): void {
  const duration = new Histogram<'method' | 'route' | 'status'>({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  instance.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
