import { SnapshotDecodeError } from './decode.errors';
import { JsonFieldsReader } from './json-fields.reader';

/** How every snapshot decoder refuses a payload; the caller may then ignore the snapshot and replay the stream. */
export function failSnapshot(reason: string): never {
  throw new SnapshotDecodeError(reason);
}

/** A snapshot's status; the stream's initial status must stand alone, as nothing has happened yet. */
export function snapshotStatus<S extends string>(value: unknown, statuses: readonly S[], initial: S): S {
  const status = JsonFieldsReader.anyKeys(value, failSnapshot).oneOf('status', statuses);
  if (status === initial) JsonFieldsReader.of(value, ['status'], failSnapshot);
  return status;
}
