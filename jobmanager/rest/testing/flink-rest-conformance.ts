/**
 * Checks REST responses against Flink's OpenAPI spec (the subset in `flink-rest-spec.json`,
 * extracted from Flink's `rest_v1_dispatcher.yml`): the status must be one the spec lists, and the
 * body must have exactly the spec's field names (none missing, none extra), with matching types,
 * enums and ID patterns. `null` is accepted where Flink leaves an optional value out. An `allOf`
 * schema is the union of its parts' fields; a schema with a `discriminator` is checked as the
 * subtype the body's discriminating field names; a `oneOf` value must match one of its schemas.
 */
import { readFileSync } from 'node:fs';

export interface SchemaObject {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly additionalProperties?: SchemaObject;
  readonly items?: SchemaObject;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly required?: readonly string[];
  readonly allOf?: readonly SchemaObject[];
  readonly oneOf?: readonly SchemaObject[];
  readonly discriminator?: {
    readonly propertyName: string;
    readonly mapping?: Readonly<Record<string, string>>;
  };
}

export interface FlinkRestSpec {
  readonly source: string;
  readonly paths: Readonly<
    Record<
      string,
      Readonly<Record<string, { readonly responses: Readonly<Record<string, SchemaObject | null>> }>>
    >
  >;
  readonly schemas: Readonly<Record<string, SchemaObject>>;
}

export const FLINK_REST_SPEC = JSON.parse(
  readFileSync(new URL('./flink-rest-spec.json', import.meta.url), 'utf8'),
) as FlinkRestSpec;

/** Everything about `body` (answered with `status`) that disagrees with Flink's spec. */
export function flinkSpecViolations(
  pathTemplate: string,
  method: string,
  status: number,
  body: unknown,
): string[] {
  const operation = FLINK_REST_SPEC.paths[pathTemplate]?.[method.toLowerCase()];
  if (operation === undefined) return [`${method} ${pathTemplate} is not in the spec subset`];
  const schema = operation.responses[String(status)];
  if (schema === undefined) {
    return [
      `status ${status} is not in the spec for ${method} ${pathTemplate}: ${Object.keys(operation.responses).join(', ')}`,
    ];
  }
  const violations: string[] = [];
  if (schema !== null) validate(body, schema, '$', violations);
  return violations;
}

function resolve(schema: SchemaObject): SchemaObject {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.split('/').pop() ?? '';
  const target = FLINK_REST_SPEC.schemas[name];
  if (target === undefined) throw new Error(`schema ${name} is not in the spec subset`);
  return resolve(target);
}

/**
 * The spec says ResourceID is 32 hex, but Flink's own TaskManager IDs are not (standalone ones
 * look like `127.0.0.1:40915-a2b1c3`); Freshet's are `tm-<8 hex>`. Checked as a plain string.
 */
const UNENFORCED_PATTERNS = new Set(['#/components/schemas/ResourceID']);

/**
 * Enums Flink writes lower-case although the spec lists the Java names: CheckpointConfigInfo's
 * ProcessingMode has its own serializer (`mode.name().toLowerCase()`).
 */
const LOWER_CASE_ENUMS = new Set(['#/components/schemas/ProcessingMode']);

/**
 * Schemas whose Flink class is `@JsonInclude(NON_NULL)`: a null field is left out rather than
 * written as null, so a missing field is fine (SavepointInfo has either location or failure-cause).
 */
const NON_NULL_SCHEMAS = new Set(['#/components/schemas/SavepointInfo']);

/**
 * Fields Flink's custom serializers write that the generated spec does not list:
 * SerializedThrowableSerializer writes `class` and `stack-trace` besides `serialized-throwable`.
 */
const SERIALIZER_FIELDS: ReadonlyMap<string, Readonly<Record<string, SchemaObject>>> = new Map([
  [
    '#/components/schemas/SerializedThrowable',
    { class: { type: 'string' }, 'stack-trace': { type: 'string' } },
  ],
]);

function validate(value: unknown, raw: SchemaObject, where: string, out: string[]): void {
  let schema = resolve(raw);
  const extraFields = raw.$ref === undefined ? undefined : SERIALIZER_FIELDS.get(raw.$ref);
  if (extraFields !== undefined) schema = { ...schema, properties: { ...schema.properties, ...extraFields } };
  const nonNull = raw.$ref !== undefined && NON_NULL_SCHEMAS.has(raw.$ref);
  if (raw.$ref !== undefined && UNENFORCED_PATTERNS.has(raw.$ref)) schema = withoutPattern(schema);
  if (raw.$ref !== undefined && LOWER_CASE_ENUMS.has(raw.$ref)) schema = withLowerCaseEnum(schema);
  if (value === null) return;
  if (schema.oneOf !== undefined) {
    validateOneOf(value, schema.oneOf, where, out);
    return;
  }
  const subtype = discriminatedSubtype(value, schema, where, out);
  if (subtype !== undefined) {
    validate(value, subtype, where, out);
    return;
  }
  if (schema.allOf !== undefined) schema = mergeAllOf(schema);
  switch (schema.type) {
    case 'object':
      validateObject(value, schema, where, out, nonNull);
      return;
    case 'array':
      if (!Array.isArray(value)) out.push(`${where}: expected an array`);
      else if (schema.items !== undefined)
        value.forEach((v, i) => validate(v, schema.items!, `${where}[${i}]`, out));
      return;
    case 'string':
      if (typeof value !== 'string') out.push(`${where}: expected a string, got ${JSON.stringify(value)}`);
      else if (schema.enum !== undefined && !schema.enum.includes(value))
        out.push(`${where}: '${value}' not in enum`);
      else if (schema.pattern !== undefined && !new RegExp(`^${schema.pattern}$`).test(value)) {
        out.push(`${where}: '${value}' does not match ${schema.pattern}`);
      }
      return;
    case 'integer':
      if (!Number.isInteger(value)) out.push(`${where}: expected an integer, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') out.push(`${where}: expected a number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${where}: expected a boolean`);
      return;
    default:
      out.push(`${where}: schema type '${String(schema.type)}' is not handled`);
  }
}

/**
 * The subtype `value` must match when `schema` has a discriminator (`{$ref}` of the mapping's
 * target); undefined when it has none. A missing or unmapped discriminating value is a violation.
 */
function discriminatedSubtype(
  value: unknown,
  schema: SchemaObject,
  where: string,
  out: string[],
): SchemaObject | undefined {
  const discriminator = schema.discriminator;
  if (discriminator?.mapping === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const name = (value as Record<string, unknown>)[discriminator.propertyName];
  const target = typeof name === 'string' ? discriminator.mapping[name] : undefined;
  if (target === undefined) {
    out.push(`${where}.${discriminator.propertyName}: ${JSON.stringify(name)} names no subtype`);
    return undefined;
  }
  return { $ref: target };
}

/** One object schema with the fields of every part (a part's own discriminator is not followed). */
function mergeAllOf(schema: SchemaObject): SchemaObject {
  const properties: Record<string, SchemaObject> = { ...schema.properties };
  for (const part of schema.allOf ?? []) {
    const resolved = resolve(part);
    const merged = resolved.allOf === undefined ? resolved : mergeAllOf(resolved);
    Object.assign(properties, merged.properties);
  }
  return { type: 'object', properties };
}

function withLowerCaseEnum(schema: SchemaObject): SchemaObject {
  return schema.enum === undefined ? schema : { ...schema, enum: schema.enum.map((e) => e.toLowerCase()) };
}

function withoutPattern(schema: SchemaObject): SchemaObject {
  const { pattern: _pattern, ...rest } = schema;
  return rest;
}

/** Fine when some alternative fits; otherwise the violations of the one that came closest. */
function validateOneOf(
  value: unknown,
  alternatives: readonly SchemaObject[],
  where: string,
  out: string[],
): void {
  let closest: string[] | undefined;
  for (const alternative of alternatives) {
    const violations: string[] = [];
    validate(value, alternative, where, violations);
    if (violations.length === 0) return;
    if (closest === undefined || violations.length < closest.length) closest = violations;
  }
  out.push(...(closest ?? [`${where}: oneOf has no alternatives`]));
}

function validateObject(
  value: unknown,
  schema: SchemaObject,
  where: string,
  out: string[],
  missingIsNull = false,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.push(`${where}: expected an object`);
    return;
  }
  const record = value as Record<string, unknown>;
  if (schema.properties !== undefined) {
    for (const key of Object.keys(record)) {
      if (!(key in schema.properties)) out.push(`${where}: field '${key}' is not in the spec`);
    }
    for (const [key, property] of Object.entries(schema.properties)) {
      if (!(key in record)) {
        if (!missingIsNull) out.push(`${where}: field '${key}' is missing`);
      } else validate(record[key], property, `${where}.${key}`, out);
    }
  }
  if (schema.additionalProperties !== undefined) {
    for (const [key, v] of Object.entries(record))
      validate(v, schema.additionalProperties, `${where}.${key}`, out);
  }
}
