import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { sharedProblem } from './problem';

interface FieldError {
  readonly field: string;
  readonly messages: string[];
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

type Metatype = abstract new (...args: never[]) => unknown;

/** A DTO's fields are fixed once its class is declared: read them from class-validator once per class, not per request. */
const fieldsByClass = new WeakMap<Metatype, ReadonlySet<string>>();

function declaredFields(metatype: Metatype): ReadonlySet<string> {
  let fields = fieldsByClass.get(metatype);
  if (!fields) {
    fields = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(metatype, '', true, false)
        .map((m) => m.propertyName),
    );
    fieldsByClass.set(metatype, fields);
  }
  return fields;
}

/**
 * Unknown fields are refused on the raw body, before class-transformer runs: it silently drops keys
 * such as `constructor` and `__proto__`, which would otherwise slip past the whitelist.
 */
function refuseUnknownFields(body: object, metatype: Metatype): void {
  const declared = declaredFields(metatype);
  const unknown = Object.keys(body).filter((field) => !declared.has(field));
  if (unknown.length === 0) return;
  throw sharedProblem('validation', 'The request is not valid.', {
    errors: unknown.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
  });
}

/**
 * class-validator with no leniency: unknown fields are refused, nothing is coerced (a string is not
 * a number), and a body must be a JSON object. Failures are one problem listing every field.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => sharedProblem('validation', 'The request is not valid.', { errors: flatten(errors) }),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw sharedProblem('validation', 'The request body must be a JSON object.');
    }
    // A whole query string bound to a DTO (`@Query() dto`) is held to the same rules as a body.
    const wholeObject = metadata.type === 'body' || (metadata.type === 'query' && metadata.data === undefined);
    if (!wholeObject || !metadata.metatype) return super.transform(value, metadata);
    refuseUnknownFields(value as object, metadata.metatype);
    // A class without fields (close, unfreeze, a stream without parameters) takes `{}`; class-validator alone would refuse even that.
    return declaredFields(metadata.metatype).size === 0 ? value : super.transform(value, metadata);
  }
}
