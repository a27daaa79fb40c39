import { armErrors } from './errors.js';

/** The JSON body of a PUT or PATCH, which must be an object. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') {
    throw armErrors.invalidRequestContent('The request content must not be empty');
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw armErrors.invalidRequestContent(`Unexpected JSON token when reading the resource: expected an object, got ${Array.isArray(body) ? 'an array' : typeof body}. Path ''`);
  }
  return body as Record<string, unknown>;
}

/** An optional nested object, or a clear error naming the path that has the wrong type. */
export function optionalObject(value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw armErrors.invalidRequestContent(`Error converting value to type 'Object'. Path '${path}'`);
  }
  return value as Record<string, unknown>;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw armErrors.invalidRequestContent(`Error converting value ${JSON.stringify(value)} to type 'String'. Path '${path}'`);
  return value;
}

export function optionalStringArray(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw armErrors.invalidRequestContent(`Error converting value to type 'String[]'. Path '${path}'`);
  }
  return value as string[];
}
