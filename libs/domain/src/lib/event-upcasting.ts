import { EventDecodeError } from './decode.errors';
import { isPlainObject } from './json-fields.reader';
import type { JsonObject } from '@ledger/primitives';

/** A stored event as the store holds it; `occurredAt` lets an upcaster fill fields older schemas lacked. */
export type UpcastableEvent = Readonly<{
  type: string;
  schemaVersion: number;
  data: JsonObject;
  occurredAt: Date;
}>;

export type UpcastContext = Readonly<{ occurredAt: Date }>;

/** Lifts `data` from version N to N + 1. */
export type UpcastStep = (data: JsonObject, context: UpcastContext) => JsonObject;

/**
 * One stream kind's event schemas: the version each type is written with today, and per type the
 * upcasters keyed by the version they read (every version below the current one needs an entry).
 */
export type EventSchemas<T extends string> = Readonly<{
  current: Readonly<Record<T, number>>;
  upcasters: Readonly<Record<T, ReadonlyMap<number, UpcastStep>>>;
}>;

/**
 * Returns the event's type, the current schema version and the data in that schema. Throws
 * `EventDecodeError` for an unknown type, a version newer than this code knows (written by a newer
 * release: reading it with old rules would be wrong) or data an upcaster cannot read.
 */
export function upcastToCurrent<T extends string>(
  raw: UpcastableEvent,
  schemas: EventSchemas<T>,
): Readonly<{ type: T; schemaVersion: number; data: JsonObject }> {
  const typeName = String(raw.type);
  if (typeof raw.type !== 'string' || !Object.hasOwn(schemas.current, raw.type)) throw new EventDecodeError(typeName, 'unknown event type');
  const type = raw.type as T;
  const current = schemas.current[type];
  const stored = raw.schemaVersion;
  if (!Number.isSafeInteger(stored) || stored < 1) {
    throw new EventDecodeError(typeName, `invalid schema version ${String(stored)}`);
  }
  if (stored > current) {
    throw new EventDecodeError(typeName, `schema version ${stored} is newer than the known version ${current}`);
  }
  if (!isPlainObject(raw.data)) throw new EventDecodeError(typeName, 'data must be a JSON object');

  let data = raw.data;
  for (let version = stored; version < current; version += 1) {
    const step = schemas.upcasters[type].get(version);
    if (step === undefined) {
      throw new EventDecodeError(typeName, `no upcaster from schema version ${version}`);
    }
    data = step(data, { occurredAt: raw.occurredAt });
  }
  return { type, schemaVersion: current, data };
}

/** The upcasters of a stream none of whose event types has changed its schema yet. */
export function noUpcastersYet<T extends string>(types: readonly T[]): Readonly<Record<T, ReadonlyMap<number, UpcastStep>>> {
  const upcasters = {} as Record<T, ReadonlyMap<number, UpcastStep>>;
  for (const type of types) upcasters[type] = new Map();
  return upcasters;
}
