import { decodeEnvelope, encodeEnvelope, toEnvelope, type EnvelopeMetadata } from './envelope';
import { EnvelopeDecodeError } from './envelope.errors';
import { EVENT_HEADERS, envelopeHeaders, readEventHeaders } from './headers';

const envelopeWith = (metadata: EnvelopeMetadata) =>
  toEnvelope({
    eventId: '7d4a3b4e-2f0c-4c55-9a64-8d7f6f1f5b10',
    streamId: '2b1f0c9e-93c4-4b8e-a7a8-0a4c1f2f6d31',
    version: 1,
    type: 'MoneyDeposited',
    schemaVersion: 1,
    occurredAt: new Date('2025-01-02T03:04:05.678Z'),
    data: { amount: '1' },
    metadata,
    globalPosition: '1',
  });

/** The audit trail travels with the event: in the envelope's metadata and as headers. */
describe('the actor of an event on the topic', () => {
  it('given an event with an actor, when enveloped, then the envelope round-trips it and the headers name it', () => {
    const envelope = envelopeWith({ correlationId: 'c', causationId: null, actor: { sub: 'user-ada', clientId: 'web' } });

    expect(decodeEnvelope(encodeEnvelope(envelope)).metadata.actor).toEqual({ sub: 'user-ada', clientId: 'web' });
    expect(envelopeHeaders(envelope)).toMatchObject({ [EVENT_HEADERS.actorSub]: 'user-ada', [EVENT_HEADERS.actorClientId]: 'web' });
    expect(readEventHeaders(envelopeHeaders(envelope))).toMatchObject({ actorSub: 'user-ada', actorClientId: 'web' });
  });

  it('given an actor without a client, then there is no actor-client-id header and clientId is null', () => {
    const envelope = envelopeWith({ correlationId: 'c', causationId: null, actor: { sub: ' odd but valid ', clientId: null } });

    expect(decodeEnvelope(encodeEnvelope(envelope)).metadata.actor).toEqual({ sub: ' odd but valid ', clientId: null });
    expect(envelopeHeaders(envelope)).not.toHaveProperty(EVENT_HEADERS.actorClientId);
  });

  it('given an event stored before actors were recorded, then the envelope has none and no actor headers', () => {
    const envelope = envelopeWith({ correlationId: 'c', causationId: null });

    expect(decodeEnvelope(encodeEnvelope(envelope)).metadata).not.toHaveProperty('actor');
    expect(Object.keys(envelopeHeaders(envelope))).not.toContain(EVENT_HEADERS.actorSub);
  });

  it.each([
    ['not an object', 'user-ada'],
    ['an empty sub', { sub: '', clientId: null }],
    ['a numeric clientId', { sub: 'user-ada', clientId: 7 }],
  ])('given a message whose actor is %s, when decoded, then EnvelopeDecodeError', (_label, actor) => {
    const raw = JSON.parse(encodeEnvelope(envelopeWith({ correlationId: 'c', causationId: null })).toString('utf8'));

    expect(() => decodeEnvelope(JSON.stringify({ ...raw, metadata: { ...raw.metadata, actor } }))).toThrow(EnvelopeDecodeError);
  });
});
