import { COMMIT_ORIGIN, type RelayCheckpoint, type RelayDestination } from '@ledger/event-store';
import { checkDestination, describeChange } from './destination.check';

const RECORDED: RelayDestination = { clusterId: 'T3TLO-PPRvakZcFoBYMUGQ', topic: 'account-events', topicId: 'BeHY5MWjS1uu2Wmq3Acw1A' };
const PUBLISHED = { transactionId: '1042', globalPosition: '3001' };
const at = (position = PUBLISHED, destination: RelayDestination | null = RECORDED): RelayCheckpoint => ({ position, destination });

describe('checkDestination', () => {
  it('given the recorded cluster and topic, when checked, then nothing changed', () => {
    expect(checkDestination(at(), { ...RECORDED })).toEqual({ kind: 'unchanged' });
  });

  it('given a checkpoint without a destination (first start, or one from before they were kept), when checked, then it is recorded', () => {
    expect(checkDestination(at(COMMIT_ORIGIN, null), RECORDED)).toEqual({ kind: 'record', reason: 'no destination recorded yet' });
    expect(checkDestination(at(PUBLISHED, null), RECORDED)).toMatchObject({ kind: 'record' });
  });

  it('given a topic deleted and created again under the same name, when checked, then the topic changed', () => {
    expect(checkDestination(at(), { ...RECORDED, topicId: 'dkE3ZV1dRJ2Bq3ktmVtCvQ' })).toEqual({ kind: 'changed', changes: ['topic'] });
  });

  it('given a fresh broker (another cluster id, a new topic id), when checked, then both changed', () => {
    const fresh = { clusterId: 'Zm9vYmFyYmF6cXV4cXV1eA', topic: 'account-events', topicId: 'dkE3ZV1dRJ2Bq3ktmVtCvQ' };

    expect(checkDestination(at(), fresh)).toEqual({ kind: 'changed', changes: ['cluster', 'topic'] });
  });

  it('given another cluster on a broker without topic ids, when checked, then the cluster changed', () => {
    expect(checkDestination(at(PUBLISHED, { ...RECORDED, topicId: null }), { ...RECORDED, clusterId: 'other', topicId: null })).toEqual({
      kind: 'changed',
      changes: ['cluster'],
    });
  });

  it('given the relay pointed at another topic name, when checked, then the topic changed, ids known or not', () => {
    expect(checkDestination(at(), { ...RECORDED, topic: 'account-events-v2', topicId: null })).toEqual({
      kind: 'changed',
      changes: ['topic'],
    });
  });

  it('given a change while nothing was published yet, when checked, then the new destination is recorded, nothing is lost', () => {
    expect(checkDestination(at(COMMIT_ORIGIN), { ...RECORDED, clusterId: 'other' })).toEqual({
      kind: 'record',
      reason: 'nothing was published before',
    });
  });

  it('given a topic id that was unknown and now is reported, when checked, then it is recorded', () => {
    expect(checkDestination(at(PUBLISHED, { ...RECORDED, topicId: null }), RECORDED)).toMatchObject({ kind: 'record' });
  });

  it('given a topic id that is no longer reported, same cluster and name, when checked, then nothing is known to have changed', () => {
    expect(checkDestination(at(), { ...RECORDED, topicId: null })).toEqual({ kind: 'unchanged' });
  });

  it('given positions beyond 2^53, when checked, then only the exact origin counts as nothing published', () => {
    const far = { transactionId: '0', globalPosition: '9007199254740993' };

    expect(checkDestination(at(far), { ...RECORDED, clusterId: 'other' })).toMatchObject({ kind: 'changed' });
  });

  it('given a change, when described, then the old and new ids are both named', () => {
    expect(describeChange(RECORDED, { ...RECORDED, topicId: null })).toBe(
      'from cluster T3TLO-PPRvakZcFoBYMUGQ, topic account-events (id BeHY5MWjS1uu2Wmq3Acw1A) ' +
        'to cluster T3TLO-PPRvakZcFoBYMUGQ, topic account-events (id unknown)',
    );
  });
});
