import { formatRefusals, refusalCounter, refusalKind } from './refusals';

const problem = (status: number, slug: string) =>
  JSON.stringify({ type: `https://ledger.example.com/problems/${slug}`, title: slug, status });

describe('refusalKind', () => {
  it('names a problem answer by its status and the last segment of its type', () => {
    expect(refusalKind(503, problem(503, 'unavailable'))).toBe('503 unavailable');
  });

  it('names any other answer by its status alone', () => {
    expect(refusalKind(502, '<html>Bad Gateway</html>')).toBe('502');
    expect(refusalKind(500, 'null')).toBe('500');
    expect(refusalKind(500, '{"title":"no type"}')).toBe('500');
  });
});

describe('refusalCounter', () => {
  it('counts answers outside 2xx by kind and passes 2xx by', () => {
    const counter = refusalCounter();
    counter.record(201, '{}');
    counter.record(503, problem(503, 'unavailable'));
    counter.record(503, problem(503, 'unavailable'));
    counter.record(409, problem(409, 'concurrency-conflict'));
    expect(counter.counts).toEqual({ '503 unavailable': 2, '409 concurrency-conflict': 1 });
  });
});

describe('formatRefusals', () => {
  it('lists the kinds, most frequent first', () => {
    expect(formatRefusals({ '409 concurrency-conflict': 1, '503 unavailable': 90 })).toBe(
      '90 × 503 unavailable, 1 × 409 concurrency-conflict',
    );
  });

  it('says so when there were none', () => {
    expect(formatRefusals({})).toBe('0 non-2xx');
  });
});
