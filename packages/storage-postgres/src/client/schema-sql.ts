import { ValidationError } from '@switchboard/core';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema name: lower-case letters, digits and `_`, so it never needs escaping tricks. */
export function validSchema(schema: string, option = 'schema'): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new ValidationError(`@switchboard/storage-postgres: option "${option}" must match ${String(SCHEMA_NAME)}, got ${JSON.stringify(schema)}.`, [
      { path: option, message: 'invalid schema name' },
    ]);
  }
  return schema;
}

/** Rewrites `_sb_.` to the quoted schema; results are cached (repositories reuse a few hundred strings). */
export function schemaRewriter(schema: string): (text: string) => string {
  const cache = new Map<string, string>();
  const prefix = `"${schema}".`;
  return (text) => {
    let out = cache.get(text);
    if (out === undefined) {
      out = text.replaceAll('_sb_.', prefix);
      if (cache.size < 2000) cache.set(text, out);
    }
    return out;
  };
}
