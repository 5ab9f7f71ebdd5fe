import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { TransformationType } from 'class-transformer';
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

// class-transformer's decorators record their metadata here; it has no public way to ask for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage: transformerMetadata } = require('class-transformer/cjs/storage') as {
  readonly defaultMetadataStorage: TransformerMetadata;
};

/** Whether class-transformer would do more than copy a body's fields onto a new instance: a `@Type`, `@Transform`, `@Expose` or `@Exclude`. */
function reshapes(metatype: Metatype, fields: ReadonlySet<string>): boolean {
  const target = metatype as unknown as new () => unknown;
  if (transformerMetadata.getStrategy(target) !== 'none') return true;
  if (transformerMetadata.getExposedMetadatas(target).length > 0 || transformerMetadata.getExcludedMetadatas(target).length > 0)
    return true;
  return [...fields].some(
    (field) =>
      transformerMetadata.findTypeMetadata(target, field) !== undefined ||
      transformerMetadata.findTransformMetadatas(target, field, TransformationType.PLAIN_TO_CLASS).length > 0,
  );
}

/** Classes whose instance is the body's fields copied onto it, decided once per class. */
const copiedByClass = new WeakMap<Metatype, boolean>();

function isCopied(metatype: Metatype): boolean {
  let copied = copiedByClass.get(metatype);
  if (copied === undefined) {
    copied = !reshapes(metatype, declaredFields(metatype));
    copiedByClass.set(metatype, copied);
  }
  return copied;
}

/**
 * Keys that reach an object's prototype. JSON.parse makes them ordinary own keys, and class-transformer
 * then drops them without a word, at any depth: a nested object (a transfer's `pending`) would pass with
 * them silently removed. They are refused wherever they are, whatever a DTO declares.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const shouldNotExist = (field: string, key: string): FieldError => ({ field, messages: [`property ${key} should not exist`] });

/** Where a value sits in the body: its key, and its parent's place (none at the top). */
interface Place {
  readonly key: string;
  readonly parent: Place | null;
}

function pathOf(place: Place): string {
  const keys: string[] = [];
  for (let at: Place | null = place; at !== null; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * Every prototype key at any depth, in objects and arrays alike (`__proto__`, `pending.__proto__`,
 * `items.0.constructor`), in one walk of the raw value. An explicit stack rather than recursion: 64 KiB
 * of `[` nests deeper than the call stack goes. Only objects are stacked, and a path is spelled out only
 * for a key that is refused.
 */
function prototypeKeys(body: object): FieldError[] {
  const found: FieldError[] = [];
  const stack: [value: object, place: Place | null][] = [[body, null]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, parent] = next;
    for (const key of Object.keys(value)) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (PROTOTYPE_KEYS.has(key)) found.push(shouldNotExist(pathOf({ key, parent }), key));
      else if (typeof child === 'object' && child !== null) stack.push([child, { key, parent }]);
    }
  }
  return found;
}

/**
 * Unknown fields are refused on the raw body, before class-transformer runs: it silently drops keys
 * such as `constructor` and `__proto__`, which would otherwise slip past the whitelist. The top level's
 * unknown fields and the prototype keys at any depth make one problem.
 */
function refuseUnknownFields(body: object, metatype: Metatype): void {
  const declared = declaredFields(metatype);
  const unknown = Object.keys(body)
    .filter((field) => !declared.has(field) && !PROTOTYPE_KEYS.has(field))
    .map((field) => shouldNotExist(field, field));
  const errors = [...unknown, ...prototypeKeys(body)];
  if (errors.length === 0) return;
  throw sharedProblem('validation', 'The request is not valid.', { errors });
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
    if (declaredFields(metadata.metatype).size === 0) return value;
    return metadata.type === 'body' && isCopied(metadata.metatype)
      ? this.validatedCopy(value as object, metadata.metatype as new () => object)
      : super.transform(value, metadata);
  }

  /**
   * A body as an instance of its class without class-transformer's round trip, for a class it would
   * only copy the fields onto: a JSON object (checked above) has no gaps, no binary values and, once
   * refuseUnknownFields passed, no prototype keys, so the instance is the one it would build. The
   * same class-validator rules run on it, with the same options.
   */
  private async validatedCopy(body: object, metatype: new () => object): Promise<object> {
    const entity = Object.assign(new metatype(), body);
    const errors = await this.validate(entity, this.validatorOptions);
    if (errors.length > 0) throw await this.exceptionFactory(errors);
    return entity;
  }
}
