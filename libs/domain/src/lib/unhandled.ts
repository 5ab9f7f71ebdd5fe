/**
 * The default branch of a switch over a union: it compiles only while every member has its case, and
 * names what slipped through if a value from outside the types (an old stored event, say) reaches it.
 */
export function unhandled(what: string, value: never): never {
  const shown: unknown = typeof value === 'object' && value !== null && 'type' in value ? (value as { type: unknown }).type : value;
  throw new Error(`unhandled ${what} ${String(shown)}`);
}
