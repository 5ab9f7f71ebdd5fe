import { BadRequestException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { errorCodes } from 'fastify';
import { problem } from './problem';
import { toProblem } from './problem-mapping';

describe('toProblem', () => {
  it('keeps a ProblemException as thrown', () => {
    expect(toProblem(problem(409, 'insufficient-funds', 'Insufficient funds', 'no', { balance: 1 }))).toEqual({
      type: 'https://ledger.example.com/problems/insufficient-funds',
      title: 'Insufficient funds',
      status: 409,
      detail: 'no',
      balance: 1,
    });
  });

  it('maps Nest HTTP exceptions to a generic problem of the same status', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, type: expect.stringMatching(/not-found$/) });
    expect(toProblem(new ServiceUnavailableException())).toMatchObject({ status: 503 });
  });

  it('keeps its own status when the exception body has a `status` of its own (terminus health results)', () => {
    const health = new ServiceUnavailableException({
      status: 'error',
      info: {},
      error: { kafka: { status: 'down' } },
      details: { kafka: { status: 'down' } },
    });
    expect(toProblem(health)).toMatchObject({ status: 503, details: { kafka: { status: 'down' } } });
  });

  it("maps fastify's body errors (raised before any route runs) to 413 and 415 problems", () => {
    expect(toProblem(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())).toMatchObject({
      status: 413,
      type: expect.stringMatching(/payload-too-large$/),
      detail: 'The request body exceeds the size limit.',
    });
    expect(toProblem(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE())).toMatchObject({
      status: 415,
      type: expect.stringMatching(/unsupported-media-type$/),
      detail: 'Send the body as application/json.',
    });
  });

  it('lists validation messages', () => {
    expect(toProblem(new BadRequestException(['amount must be an integer']))).toMatchObject({
      status: 400,
      type: expect.stringMatching(/validation$/),
      errors: ['amount must be an integer'],
    });
  });

  it("maps fastify's errors before a route runs: an oversized body 413, another media type 415, a bad length 400", () => {
    expect(toProblem({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'too large' })).toMatchObject({
      status: 413,
      type: expect.stringMatching(/payload-too-large$/),
      title: 'Payload too large',
    });
    expect(toProblem({ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: 'nope' })).toMatchObject({
      status: 415,
      type: expect.stringMatching(/unsupported-media-type$/),
      detail: 'Send the body as application/json.',
    });
    expect(toProblem({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', message: 'bad length' })).toMatchObject({
      status: 400,
      type: expect.stringMatching(/bad-request$/),
      detail: 'bad length',
    });
  });

  it('maps a database that cannot serve now (refused, no pooled connection in time, statement timeout) to a 503 unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const timedOut = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    for (const error of [refused, timedOut, new Error('timeout exceeded when trying to connect')]) {
      expect(toProblem(error)).toMatchObject({ status: 503, type: expect.stringMatching(/\/unavailable$/), title: 'Service unavailable' });
    }
  });

  it('returns null for anything unexpected, so the caller answers 500 and logs it', () => {
    expect(toProblem(new Error('db down'))).toBeNull();
    expect(toProblem({ status: 500, message: 'internal' })).toBeNull();
    expect(toProblem('string thrown')).toBeNull();
  });
});
