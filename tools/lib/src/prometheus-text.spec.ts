import { metricValue } from './prometheus-text';

const text = [
  '# HELP ledger_relay_lag_events Committed events after the checkpoint.',
  '# TYPE ledger_relay_lag_events gauge',
  'ledger_relay_lag_events 42',
  'ledger_relay_lag_events_total 7',
  'ledger_relay_leader{instance="a"} 1',
].join('\n');

describe('metricValue', () => {
  it('given a sample without labels, then its value is read', () => {
    expect(metricValue(text, 'ledger_relay_lag_events')).toBe(42);
  });

  it('given a sample with labels, then its value is read', () => {
    expect(metricValue(text, 'ledger_relay_leader')).toBe(1);
  });

  it('given a name that only prefixes another metric, then it is not found', () => {
    expect(metricValue(text, 'ledger_relay')).toBeUndefined();
    expect(metricValue('', 'ledger_relay_leader')).toBeUndefined();
  });
});
