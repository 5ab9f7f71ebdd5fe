const VERSION = /^(0|[1-9]\d{0,15})$/;

/**
 * `Last-Event-ID` carries the last account version the client received: undefined when absent, the
 * version when it is one (0 asks for the whole history), null when it is anything else.
 */
export function parseLastEventId(header: string | undefined): number | undefined | null {
  if (header === undefined) return undefined;
  if (!VERSION.test(header)) return null;
  const version = Number(header);
  return Number.isSafeInteger(version) ? version : null;
}
