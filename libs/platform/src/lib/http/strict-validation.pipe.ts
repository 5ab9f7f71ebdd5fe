import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { problem } from './problem';

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

function hasRules(metatype: abstract new (...args: never[]) => unknown): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;
}

/** A body class without fields (e.g. close) takes `{}` only; class-validator alone would refuse even that. */
function refuseAnyField(body: Record<string, unknown>): Record<string, unknown> {
  const unknown = Object.keys(body);
  if (unknown.length === 0) return body;
  throw problem(400, 'validation', 'Validation failed', 'The request is not valid.', {
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
      exceptionFactory: (errors) =>
        problem(400, 'validation', 'Validation failed', 'The request is not valid.', { errors: flatten(errors) }),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw problem(400, 'validation', 'Validation failed', 'The request body must be a JSON object.');
    }
    if (metadata.type === 'body' && metadata.metatype && !hasRules(metadata.metatype)) {
      return refuseAnyField(value as Record<string, unknown>);
    }
    return super.transform(value, metadata);
  }
}
