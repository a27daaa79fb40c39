import { CliError, ServiceError } from '../../runtime/errors.js';

/** Python's json.dumps (", " and ": " separators, non-ASCII escaped), for az's preflight error text. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(value);
}

/** A template refused before deployment (validate's 400): az prints the error object as JSON. */
export function preflightRefusal(e: unknown): unknown {
  if (e instanceof ServiceError && e.status === 400) return new CliError(pythonJson({ code: e.code, message: e.serviceMessage }));
  return e;
}

/** az's `_build_preflight_error_message`: `Code - Message`, then each detail the same way. */
export function preflightMessage(error: { code?: unknown; message?: unknown; details?: unknown }): string {
  const lines = [`${String(error.code)} - ${String(error.message)}`];
  for (const d of Array.isArray(error.details) ? error.details : []) lines.push(preflightMessage(d as { code?: unknown }));
  return lines.join('\n');
}
