import { classifyFailure } from './command.client';

const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

describe('classifyFailure', () => {
  it.each([
    [fetchFailed('ECONNREFUSED'), { kind: 'failed', cause: 'connection-refused' }],
    [fetchFailed('ENOTFOUND'), { kind: 'failed', cause: 'enotfound' }],
    [fetchFailed('UND_ERR_SOCKET'), { kind: 'unknown', cause: 'connection-reset' }],
    [fetchFailed('ECONNRESET'), { kind: 'unknown', cause: 'connection-reset' }],
    [Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), { kind: 'unknown', cause: 'timeout' }],
    [fetchFailed('UND_ERR_HEADERS_TIMEOUT'), { kind: 'unknown', cause: 'und_err_headers_timeout' }],
    [new TypeError('fetch failed'), { kind: 'unknown', cause: 'network-error' }],
    ['a string', { kind: 'unknown', cause: 'network-error' }],
  ])('given %s, then %j: only a request that never left is known not to have been done', (error, expected) => {
    expect(classifyFailure(error)).toEqual(expected);
  });
});
