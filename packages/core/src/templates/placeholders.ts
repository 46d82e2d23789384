import { z } from 'zod';
import { ValidationError } from '../errors.js';

const variableValue = z.union([z.string(), z.number().finite()]);

/** `{{ name }}` or `{{ customer.name }}`: letters, digits, `_`, dots. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

/** Anything that opens with `{{` but is not a well-formed placeholder (it would reach a customer verbatim). */
export function malformedPlaceholders(text: string): string[] {
  return [...text.matchAll(/\{\{[^}]*(\}\})?/g)].map((m) => m[0]).filter((m) => !new RegExp(`^${PLACEHOLDER.source}$`).test(m));
}

/** The placeholder names in `text`, in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

function lookup(vars: Record<string, unknown>, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(vars, path)) return vars[path];
  let value: unknown = vars;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Fill `{{ name }}` placeholders from `vars` (flat keys or nested objects). Every placeholder must
 * resolve to a string or a finite number: a missing or mistyped variable is a `ValidationError`
 * naming each one — never a literal placeholder in a customer's chat.
 */
export function fillPlaceholders(text: string, vars: Record<string, unknown>): string {
  const problems: Array<{ path: string; message: string }> = [];
  for (const name of placeholdersOf(text)) {
    const value = lookup(vars, name);
    if (value === undefined || value === null) problems.push({ path: `vars.${name}`, message: 'missing' });
    else if (!variableValue.safeParse(value).success) {
      problems.push({ path: `vars.${name}`, message: `must be a string or a number, got ${Array.isArray(value) ? 'array' : typeof value}` });
    }
  }
  if (problems.length > 0) {
    throw new ValidationError(`Template variables ${problems.map((p) => `${p.path.slice(5)} (${p.message})`).join(', ')}.`, problems);
  }
  return text.replace(PLACEHOLDER, (_m, name: string) => String(lookup(vars, name)));
}
