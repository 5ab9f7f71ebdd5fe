import { parseLastEventId } from './last-event-id';

describe('parseLastEventId', () => {
  it('given no header, then the stream starts from now', () => {
    expect(parseLastEventId(undefined)).toBeUndefined();
  });

  it.each([
    ['0', 0],
    ['7', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('given the version %s, then it resumes after it', (header, version) => {
    expect(parseLastEventId(header)).toBe(version);
  });

  it.each(['', '-1', '1.5', '1e3', '007', 'abc', '9007199254740992', '99999999999999999', '3, 4', "1' OR '1'='1"])(
    'given %j, then it is refused',
    (header) => {
      expect(parseLastEventId(header)).toBeNull();
    },
  );
});
