import { suiteResource } from './suite-resource';

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
