/**
 * Postgres array literals built by hand for the set-based writes (`unnest` over them). pg's own array
 * encoding escapes every element and formats every Date in local time; ids, integers, ISO timestamps
 * and enum-like codes need none of that, and only free text is quoted.
 */

/** `{a,b,c}` from elements that are already literal-safe (ids, integers, ISO timestamps, `NULL`). */
export function arrayLiteral(elements: readonly string[]): string {
  return `{${elements.join(',')}}`;
}

/** An array element that may hold anything: in double quotes, backslash and double quote escaped. */
export function quotedElement(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** A nullable element: `NULL` (unquoted, so Postgres reads a null) or the text quoted. */
export function nullableQuoted(text: string | null): string {
  return text === null ? 'NULL' : quotedElement(text);
}
