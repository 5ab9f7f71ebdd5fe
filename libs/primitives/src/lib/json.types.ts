/**
 * JSON as stored and sent: the one JSON type of the codebase. The event store keeps events, snapshots
 * and idempotent results in it and the Kafka envelope carries it, so encoded events pass from the
 * domain to the store and the broker without conversion.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };
