import type { ArgumentMetadata } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { ProblemException } from './problem';
import { StrictValidationPipe } from './strict-validation.pipe';

class TransferBody {
  @IsInt() amount!: number;
  @IsOptional() @IsObject() pending?: Record<string, unknown>;
  @IsOptional() @IsArray() lines?: unknown[];
}

class EmptyBody {}

/** A body class-transformer reshapes: such a class still goes through it. */
class TrimmedBody {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(3)
  code!: string;
}

const pipe = new StrictValidationPipe();
const asBody = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

/** As the HTTP edge hands a body over: parsed by JSON.parse, so `__proto__` is an own key like any other. */
async function refusal(json: string, metatype: ArgumentMetadata['metatype'] = TransferBody): Promise<unknown> {
  try {
    await pipe.transform(JSON.parse(json), asBody(metatype));
  } catch (error) {
    if (error instanceof ProblemException) return error.problem;
    throw error;
  }
  throw new Error(`${json} was accepted`);
}

const refusedFor = (...fields: string[]) => ({
  type: 'https://ledger.example.com/problems/validation',
  status: 400,
  errors: fields.map((field) => ({ field, messages: [`property ${field.split('.').at(-1)} should not exist`] })),
});

describe('StrictValidationPipe', () => {
  describe('hostile input: prototype keys are refused at every depth, naming the field', () => {
    it.each([
      ['__proto__ at the top', '{"amount":1,"__proto__":{"admin":true}}', ['__proto__']],
      ['constructor at the top', '{"amount":1,"constructor":{"prototype":{"admin":true}}}', ['constructor']],
      ['prototype at the top', '{"amount":1,"prototype":{}}', ['prototype']],
      ['__proto__ in a nested object', '{"amount":1,"pending":{"__proto__":{"admin":true},"timeoutSeconds":60}}', ['pending.__proto__']],
      ['constructor in a nested object', '{"amount":1,"pending":{"constructor":{"prototype":{}}}}', ['pending.constructor']],
      ['prototype in a nested object', '{"amount":1,"pending":{"prototype":1}}', ['pending.prototype']],
      ['__proto__ in an array', '{"amount":1,"lines":[{"a":1},{"__proto__":{"admin":true}}]}', ['lines.1.__proto__']],
      ['constructor in an array of arrays', '{"amount":1,"lines":[[1,[{"constructor":null}]]]}', ['lines.0.1.0.constructor']],
      ['__proto__ deep down', '{"amount":1,"pending":{"a":{"b":{"c":[{"d":{"__proto__":[]}}]}}}}', ['pending.a.b.c.0.d.__proto__']],
      ['a body with no fields declared', '{"pending":{"__proto__":{}}}', ['pending', 'pending.__proto__'], EmptyBody],
    ])('given %s, then 400 validation', async (_label, json, fields, metatype = TransferBody) => {
      expect(await refusal(json, metatype)).toMatchObject(refusedFor(...fields));
    });

    it('given several, then one problem lists every one of them beside the unknown fields', async () => {
      const problem = (await refusal('{"amount":1,"x":1,"__proto__":{},"pending":{"__proto__":{},"b":{"constructor":1}}}')) as {
        errors: { field: string }[];
      };
      expect(problem.errors.map((e) => e.field).sort()).toEqual(['__proto__', 'pending.__proto__', 'pending.b.constructor', 'x']);
    });

    it('given one 64 KiB deep, then it is found without exhausting the stack', async () => {
      const depth = 30_000;
      const json = `{"amount":1,"lines":${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}}`;
      const problem = (await refusal(json)) as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toEqual([`lines.${'0.'.repeat(depth - 1)}0.__proto__`]);
    });

    it('given the same words as values, or inside longer keys, then nothing is refused and nothing is dropped', async () => {
      const json = '{"amount":1,"pending":{"constructorId":"constructor","proto":"__proto__"},"lines":["prototype",{"__proto__x":1}]}';
      const body = await pipe.transform(JSON.parse(json), asBody(TransferBody));
      expect(body).toBeInstanceOf(TransferBody);
      expect(JSON.parse(JSON.stringify(body))).toEqual(JSON.parse(json));
    });
  });

  it('given an unknown top-level field, then 400 validation naming it', async () => {
    expect(await refusal('{"amount":1,"note":"x"}')).toMatchObject(refusedFor('note'));
  });

  it('given a body that is not an object, then 400 validation', async () => {
    expect(await refusal('[{"amount":1}]')).toMatchObject({ status: 400, detail: 'The request body must be a JSON object.' });
  });

  it('given a valid body, then an instance of its class with the fields as sent', async () => {
    const body = await pipe.transform({ amount: 5, lines: [1, { a: 2 }] }, asBody(TransferBody));
    expect(body).toBeInstanceOf(TransferBody);
    expect(body).toEqual({ amount: 5, lines: [1, { a: 2 }] });
  });

  it('given a field that breaks a rule, then 400 validation naming the field and the rule', async () => {
    expect(await refusal('{"amount":"5"}')).toMatchObject({
      status: 400,
      errors: [{ field: 'amount', messages: ['amount must be an integer number'] }],
    });
  });

  it('given a body class with a class-transformer decorator, then the transform runs before the rules', async () => {
    const body = await pipe.transform({ code: '  EUR ' }, asBody(TrimmedBody));
    expect(body).toBeInstanceOf(TrimmedBody);
    expect(body).toEqual({ code: 'EUR' });
  });
});
