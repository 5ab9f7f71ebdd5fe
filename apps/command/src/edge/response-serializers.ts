import { RouteSchema } from '@nestjs/platform-fastify';

/**
 * The 201 bodies as fastify response schemas, so fastify writes them with a serializer compiled once
 * (fast-json-stringify) instead of JSON.stringify. The OpenAPI classes beside each body stay the
 * documentation; these list the same fields and say only how to write them. Every field is required,
 * so a missing one is a 500 rather than a body without it; numbers are `number`, never `integer`,
 * so a value is written exactly as the handler made it (an integer serializer would truncate).
 */
const text = { type: 'string' } as const;
const count = { type: 'number' } as const;

function object(properties: Record<string, object>) {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false } as const;
}

export const ACCOUNT_COMMAND_BODY = object({
  accountId: text,
  version: count,
  balance: count,
  availableBalance: count,
  reserved: count,
  status: text,
  events: { type: 'array', items: object({ eventId: text, type: text, version: count }) },
});

export const TRANSFER_COMMAND_BODY = object({
  transferId: text,
  status: text,
  amount: count,
  currency: text,
  from: object({ accountId: text, version: count, balance: count, availableBalance: count }),
  to: object({ accountId: text, version: count }),
});

/** A route whose 201 is `body`, written by the compiled serializer. */
export const SerializedCreated = (body: object) => RouteSchema({ response: { 201: body } });
