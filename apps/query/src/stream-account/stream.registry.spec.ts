import { loadConfig, MetricsRegistry } from '@ledger/platform';
import { QueryConfig } from '../query.config';
import { QueryMetrics } from '../query.metrics';
import { StreamRegistry, type StreamSlot } from './stream.registry';

const registryWith = (maxClients: number, perCaller: number) =>
  new StreamRegistry(
    loadConfig(QueryConfig, {
      OIDC_ISSUER: 'https://issuer.example.com',
      QUERY_SSE_MAX_CLIENTS: String(maxClients),
      QUERY_SSE_MAX_STREAMS_PER_CALLER: String(perCaller),
    }),
    new QueryMetrics(new MetricsRegistry('query')),
  );

const slot = (acquired: StreamSlot | string): StreamSlot => {
  if (typeof acquired === 'string') throw new Error(`refused: ${acquired}`);
  return acquired;
};

describe('StreamRegistry', () => {
  it("given a caller at its limit, then its next stream is refused while another caller's is not", () => {
    const streams = registryWith(10, 2);
    slot(streams.tryAcquire('alice', () => undefined));
    slot(streams.tryAcquire('alice', () => undefined));

    expect(streams.tryAcquire('alice', () => undefined)).toBe('caller');
    expect(typeof streams.tryAcquire('bob', () => undefined)).toBe('object');
  });

  it('given every slot of the process taken, then any caller is refused for the process', () => {
    const streams = registryWith(2, 2);
    slot(streams.tryAcquire('alice', () => undefined));
    slot(streams.tryAcquire('bob', () => undefined));

    expect(streams.tryAcquire('carol', () => undefined)).toBe('process');
  });

  it('given a released slot (once or twice), then the caller gets exactly one stream back', () => {
    const streams = registryWith(10, 2);
    const first = slot(streams.tryAcquire('alice', () => undefined));
    slot(streams.tryAcquire('alice', () => undefined));

    first.release();
    first.release();

    slot(streams.tryAcquire('alice', () => undefined));
    expect(streams.tryAcquire('alice', () => undefined)).toBe('caller');
  });
});
