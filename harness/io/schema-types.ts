import { Type, type SchemaOptions, type Static, type TObject, type TOptional, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * The few JSON Schema forms TypeBox writes otherwise than our schemas always have (`enum`,
 * `oneOf`, `const` without a `type`, a string map, a local `$ref`), each typed from what it
 * accepts, and a field's default carried in its type, so the loaded shape (defaults filled in by
 * ajv's useDefaults) is derived too. Every shape is declared once with these and TypeBox's
 * `Type`; its TypeScript type is `Static<typeof X>` (or `Filled<typeof X>` once defaults are in).
 */

/** `{"enum": [...]}`: one of these values. */
export function Enum<const V extends readonly (string | number | boolean | null)[]>(values: V, options: SchemaOptions = {}): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ ...options, enum: [...values] });
}

/** `{"const": v}`: exactly this value. */
export function Const<const V extends string | number | boolean | null>(value: V, options: SchemaOptions = {}): TUnsafe<V> {
  return Type.Unsafe<V>({ ...options, const: value });
}

/** `{"oneOf": [...]}`: exactly one of these (TypeBox's Union writes anyOf). */
export function OneOf<const T extends readonly TSchema[]>(schemas: T, options: SchemaOptions = {}): TUnsafe<Static<T[number]>> {
  return Type.Unsafe<Static<T[number]>>({ ...options, oneOf: [...schemas] });
}

/** An object whose every value is a string (an environment). */
export function StringMap(options: SchemaOptions = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({ ...options, type: 'object', additionalProperties: { type: 'string' } });
}

/** `{"$ref": "#/$defs/<name>"}` to `schema`, which the enclosing schema's `$defs` holds under that name. */
export function DefRef<T extends TSchema>(name: string, _schema: T, options: SchemaOptions = {}): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ $ref: `#/$defs/${name}`, ...options });
}

/** A field that may be left out, and what ajv's useDefaults puts there when it is: `Filled` reads the default from the type. */
export type TDefaulted<T extends TSchema> = TOptional<T> & { default: Static<T> };

export function Default<T extends TSchema>(schema: T, value: Static<T>): TDefaulted<T> {
  return Type.Optional({ ...schema, default: value }) as TDefaulted<T>;
}

type DefaultedKeys<P> = { [K in keyof P]: P[K] extends { default: unknown } ? K : never }[keyof P];

/**
 * A value of `S` once validated with useDefaults: every field with a default present (and,
 * within an object put there by its default, that object's defaulted fields too).
 */
export type Filled<S extends TSchema> = S extends TObject<infer P> ? Omit<Static<S>, DefaultedKeys<P>> & { [K in DefaultedKeys<P>]-?: Filled<P[K]> } : Static<S>;

/** A schema as its JSON file holds it: TypeBox's own marks are symbols, which JSON leaves out. */
export function schemaJson(schema: TSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** `{"type": [t, "null"], ...}`: the schema's own type or null, its other keywords kept (`required` and `minimum` bind the non-null value only). */
export function OrNull<T extends TSchema & { type: string }>(schema: T): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

/** An object whose every value matches `values` (an environment record). */
export function ValueMap<T extends TSchema>(values: T, options: SchemaOptions = {}): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({ ...options, type: 'object', additionalProperties: values });
}

/** `{"type": [...]}`: a value of any of these JSON types (the scalars of an environment record). */
export function Scalar<const N extends readonly ('string' | 'number' | 'boolean' | 'null')[]>(types: N): TUnsafe<{ string: string; number: number; boolean: boolean; null: null }[N[number]]> {
  return Type.Unsafe({ type: [...types] });
}
