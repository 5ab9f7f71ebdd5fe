import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { correlationIdOf, problem } from '@ledger/platform';
import { activeTraceCarrier, annotateActiveSpan, type TraceCarrier } from '@ledger/tracing';
import { callerOf, isOperator } from '@ledger/auth';
import type { Actor } from '@ledger/domain';
import type { CommandContext } from '@ledger/account-commands';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;
const IF_MATCH = /^(?:W\/)?"?(\d{1,15})"?$/;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `If-Match: "<version>"` (the ETag we send); `*` asks only that the account exists, as the command does anyway. */
function expectedVersionOf(request: FastifyRequest): number | undefined {
  const value = header(request, 'if-match')?.trim();
  if (value === undefined || value === '*') return undefined;
  const match = IF_MATCH.exec(value);
  if (!match) throw problem(400, 'invalid-if-match', 'Invalid If-Match', 'If-Match must be an ETag such as "3".');
  return Number(match[1]);
}

/** JSON with sorted keys, so the same body hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The path without its query string, as the key's request hash has always named it. */
function pathOf(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}

function idempotencyOf(request: FastifyRequest): CommandContext['idempotency'] {
  const key = header(request, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw problem(400, 'invalid-idempotency-key', 'Invalid Idempotency-Key', 'Idempotency-Key must be 1 to 200 visible ASCII characters.');
  }
  const requestHash = createHash('sha256')
    .update(`${request.method} ${pathOf(request)}\n${canonical(request.body ?? {})}`)
    .digest('hex');
  return { key, requestHash };
}

/** The caller's trace context, as sent, when tracing is off. */
function callerTraceContextOf(request: FastifyRequest): TraceCarrier {
  const traceparent = header(request, 'traceparent');
  const tracestate = header(request, 'tracestate');
  const validTraceparent = traceparent && TRACEPARENT.test(traceparent) ? traceparent : undefined;
  return {
    ...(validTraceparent ? { traceparent: validTraceparent } : {}),
    ...(validTraceparent && tracestate && TRACESTATE.test(tracestate) ? { tracestate } : {}),
  };
}

/** Who sends the command, from the token the access guard verified; the trace names them too. */
function actorOf(request: FastifyRequest): Actor {
  const caller = callerOf(request);
  annotateActiveSpan({ 'enduser.id': caller.subject, ...(caller.clientId === null ? {} : { 'ledger.client_id': caller.clientId }) });
  return { subject: caller.subject, clientId: caller.clientId, operator: isOperator(caller) };
}

/** What a route reads of the headers besides who and tracing. */
export interface ContextHeaders {
  /** False for a command with a key of its own in the body (a transfer's id): the header is not read at all. */
  readonly idempotencyKey?: boolean;
}

export function commandContextOf(request: FastifyRequest, headers: ContextHeaders = {}): CommandContext {
  const actor = actorOf(request);
  const correlationId = correlationIdOf(request.raw);
  const expectedVersion = expectedVersionOf(request);
  const idempotency = headers.idempotencyKey === false ? undefined : idempotencyOf(request);
  return {
    actor,
    correlationId,
    // What caused the events: the command itself, named by its Idempotency-Key (the same on each of the
    // client's retries), else this request, named by its correlation id (echoed as X-Correlation-Id).
    causationId: idempotency?.key ?? correlationId,
    // With tracing on, the events' metadata names this request's span: the relay's span continues from it.
    ...(activeTraceCarrier() ?? callerTraceContextOf(request)),
    expectedVersion,
    idempotency,
  };
}
