/**
 * The HTTP floor of this machine: Fastify, the adapter the command app runs on, answering a
 * deposit-shaped POST with a 201 and a JSON body of the app's size, and nothing else: no Nest, no
 * validation, no logging, no database. Driven by the same load generator as the app, it shows how
 * many requests per second one Node process can answer here at best.
 *
 * `node -r @swc-node/register tools/bench/command/http-floor.server.ts <port>`
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error(`usage: http-floor.server.ts <port>, got ${process.argv[2]}`);

const app = Fastify();
app.get('/health/ready', async () => ({ status: 'ok' }));
app.post<{ Params: { id: string }; Body: { amount: number } }>('/accounts/:id/deposits', async (request, reply) => {
  reply.code(201).header('etag', '"2"');
  return {
    accountId: request.params.id,
    version: 2,
    balance: request.body.amount,
    events: [{ eventId: randomUUID(), type: 'MoneyDeposited', version: 2, amount: request.body.amount }],
  };
});
app.listen({ port, host: '127.0.0.1' }).catch((error: unknown) => {
  process.stderr.write(`http floor: ${String(error)}\n`);
  process.exit(1);
});
