import { firstNonIntegerNumber } from './integer-literals';

describe('firstNonIntegerNumber', () => {
  it.each([
    ['{"amount":1.0}', 'amount'],
    ['{"amount":1e2}', 'amount'],
    ['{"amount":1E2}', 'amount'],
    ['{"amount":100.00}', 'amount'],
    ['{"amount":1.0000000000000001}', 'amount'],
    ['{"amount":1.5}', 'amount'],
    ['{"amount":-1e-2}', 'amount'],
    ['{ "owner" : "Eve" , "initialDeposit" : 0.0 }', 'initialDeposit'],
    ['{"a":{"b":[1,2,{"c":3e0}]}}', 'a.b.2.c'],
    ['{"a":[1],"b":[1.0]}', 'b.0'],
    ['{"q\\"uote\\\\":2.0}', 'q"uote\\'],
    ['{"\\u0061mount":2.0}', 'amount'],
  ])('given %s, then it names %j', (json, path) => {
    expect(firstNonIntegerNumber(json)).toBe(path);
  });

  it.each([
    '{}',
    '{"amount":1500}',
    '{"amount":-0}',
    '{"amount":9007199254740993}',
    '{"owner":"Eve 2.0","currency":"EUR","initialDeposit":10}',
    '{"owner":"1.5e3 \\" 2.0","n":[1,2,3]}',
    '{"reason":"e.g. 1e2","ok":true,"none":null}',
  ])('given %s, then every number is an integer literal', (json) => {
    expect(firstNonIntegerNumber(json)).toBeUndefined();
  });
});
