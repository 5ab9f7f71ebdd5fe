import Fastify from 'fastify';
import type { toResponse } from './account-command.response';
import { ACCOUNT_COMMAND_BODY, TRANSFER_COMMAND_BODY } from './response-serializers';
import type { toTransferResponse } from './transfer-command.response';

const ACCOUNT = '7f1d4c2e-4a6b-4c3d-9e8f-0a1b2c3d4e5f';
const OTHER = '0b8e6f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b';

const accountBody: ReturnType<typeof toResponse> = {
  accountId: ACCOUNT,
  version: 7,
  balance: Number.MAX_SAFE_INTEGER,
  availableBalance: 1200,
  reserved: 300,
  status: 'ACTIVE',
  events: [{ eventId: OTHER, type: 'MoneyDeposited', version: 7 }],
};

const transferBody: ReturnType<typeof toTransferResponse> = {
  transferId: OTHER,
  status: 'pending',
  amount: 300,
  currency: 'EUR',
  from: { accountId: ACCOUNT, version: 3, balance: 1500, availableBalance: 1200 },
  to: { accountId: OTHER, version: 2 },
};

/** What fastify writes for `body` as the 201 of a route with `schema`. */
async function written(schema: object, body: object): Promise<string> {
  const app = Fastify();
  app.post('/', { schema: { response: { 201: schema } } }, async (_request, reply) => reply.code(201).send(body));
  try {
    return (await app.inject({ method: 'POST', url: '/' })).body;
  } finally {
    await app.close();
  }
}

describe('response serializers', () => {
  it.each([
    ['an account command', ACCOUNT_COMMAND_BODY, accountBody],
    ['a transfer command', TRANSFER_COMMAND_BODY, transferBody],
  ])(
    'given the 201 body of %s, then the compiled serializer writes what JSON.stringify would, every field kept',
    async (_name, schema, body) => {
      expect(await written(schema, body)).toBe(JSON.stringify(body));
    },
  );

  it('given a body without a field the schema lists, then serialising it fails rather than answering without it', async () => {
    const { reserved: _dropped, ...partial } = accountBody;
    const app = Fastify();
    app.post('/', { schema: { response: { 201: ACCOUNT_COMMAND_BODY } } }, async (_request, reply) => reply.code(201).send(partial));
    try {
      expect((await app.inject({ method: 'POST', url: '/' })).statusCode).toBe(500);
    } finally {
      await app.close();
    }
  });
});
