/**
 * JSON as stored and sent. Same shape as the event store's `JsonValue` (the domain may not import it),
 * so encoded events and snapshots pass to the store without conversion.
 */
export type DomainJsonValue = string | number | boolean | null | DomainJsonValue[] | { [key: string]: DomainJsonValue };

export type DomainJsonObject = { [key: string]: DomainJsonValue };
