import { suiteObject, suiteResource } from './suite-resource';

const log: string[] = [];

describe('suiteResource', () => {
  describe('given a resource that uses an earlier one', () => {
    const database = suiteResource(
      'the database',
      async () => {
        log.push('start database');
        return 'db';
      },
      async () => void log.push('stop database'),
    );
    const app = suiteResource(
      'the app',
      async () => {
        log.push(`start app on ${database()}`);
        return 'app';
      },
      async () => void log.push('stop app'),
    );

    it('gives each to the tests, started in the order declared', () => {
      expect([database(), app()]).toEqual(['db', 'app']);
      expect(log).toEqual(['start database', 'start app on db']);
    });
  });

  it('then, once that describe is done, stops them newest first, each once', () => {
    expect(log).toEqual(['start database', 'start app on db', 'stop app', 'stop database']);
  });
});

describe('suiteObject', () => {
  class Counter {
    count = 0;
    increment(): number {
      return ++this.count;
    }
  }
  const stopped: number[] = [];
  const counter = suiteObject(
    'the counter',
    async () => new Counter(),
    async (started) => void stopped.push(started.count),
  );

  it('reads the running object: its fields, and its methods bound to it', () => {
    const { increment } = counter;
    expect(increment()).toBe(1);
    expect(counter.increment()).toBe(2);
    expect(counter.count).toBe(2);
    expect(stopped).toEqual([]);
  });
});
