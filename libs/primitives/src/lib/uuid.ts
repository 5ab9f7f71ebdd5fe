const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Account ids and event ids are UUIDs (any version); the one check every layer uses. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
