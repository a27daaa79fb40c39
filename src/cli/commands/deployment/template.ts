import fs from 'node:fs';
import path from 'node:path';
import { CliError, UsageError } from '../../runtime/errors.js';

export type Template = Record<string, unknown> & { parameters?: Record<string, { type?: string; defaultValue?: unknown }> };
export type ParameterValues = Record<string, unknown>;

/** JSON with comments and trailing commas, as ARM templates and parameter files are written (az strips comments too). */
async function parseJsonc(text: string, source: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    // Loaded only for files that are not plain JSON.
    const json5 = (await import('json5')).default;
    try {
      return json5.parse(text);
    } catch (e) {
      throw new CliError(`Failed to parse ${source} with exception:\n    ${(e as Error).message}`);
    }
  }
}

export async function readTemplate(file: string): Promise<Template> {
  if (/\.bicep$/i.test(file)) throw new UsageError('--template-file: Bicep files are not supported; build the ARM JSON first (bicep build).');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--template-file: cannot read the file '${file}'`);
  }
  const template = await parseJsonc(text, file);
  if (template === null || typeof template !== 'object' || Array.isArray(template)) throw new CliError(`The template file '${file}' does not hold a JSON object.`);
  return template as Template;
}

/** az's default deployment name: the template file's name without its extension. */
export function defaultDeploymentName(file: string): string {
  return path.basename(file).replace(/\.[^.]*$/, '');
}

/** A parameters document: ARM's `{"$schema", "contentVersion", "parameters": {…}}` file form, or the bare map. */
function parametersOf(value: unknown): ParameterValues | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  return (o.parameters && typeof o.parameters === 'object' ? o.parameters : o) as ParameterValues;
}

/** `key=value` with the value typed by the template's declaration, as az's `_try_parse_key_value_object`. */
function keyValue(template: Template, item: string, into: ParameterValues, warn: (m: string) => void): boolean {
  const eq = item.indexOf('=');
  if (eq < 0) return false;
  const key = item.slice(0, eq);
  const raw = item.slice(eq + 1);
  const defs = template.parameters ?? {};
  const def = defs[key];
  if (!def) throw new CliError(`unrecognized template parameter '${key}'. Allowed parameters: ${Object.keys(defs).sort().join(', ')}`);
  const type = def.type?.toLowerCase();
  if (type === 'object' || type === 'array' || type === 'secureobject') {
    try {
      into[key] = { value: JSON.parse(raw) };
    } catch (e) {
      throw new CliError(`Failed to parse the value of parameter '${key}' as JSON: ${(e as Error).message}`);
    }
  } else if (type === 'string' || type === 'securestring') into[key] = { value: raw };
  else if (type === 'bool') into[key] = { value: raw.toLowerCase() === 'true' };
  else if (type === 'int') {
    if (!/^[-+]?\d+$/.test(raw.trim())) throw new CliError(`invalid literal for int() with base 10: '${raw}'`);
    into[key] = { value: Number(raw) };
  } else {
    warn(`Unrecognized type '${def.type}' for parameter '${key}'. Interpretting as string.`);
    into[key] = { value: raw };
  }
  return true;
}

/**
 * az's `_process_parameters`: each `--parameters` item is a file (`@file` or a plain path), inline JSON (a
 * parameters file's content or the bare `{"name": {"value": …}}` map) or `key=value`; later items win.
 */
export async function processParameters(template: Template, items: string[], warn: (m: string) => void): Promise<ParameterValues> {
  const parameters: ParameterValues = {};
  for (const item of items) {
    const file = item.startsWith('@') ? item.slice(1) : fs.existsSync(item) && fs.statSync(item).isFile() ? item : undefined;
    if (file !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        throw new UsageError(`--parameters: cannot read the file '${file}'`);
      }
      const parsed = parametersOf(await parseJsonc(text, file));
      if (!parsed) throw new CliError(`Failed to parse ${file}: a JSON object is expected.`);
      Object.assign(parameters, parsed);
      continue;
    }
    if (item === '{}' && Object.keys(parameters).length === 0) continue;
    if (/^\s*\{/.test(item)) {
      let inline: unknown;
      try {
        inline = await parseJsonc(item, '--parameters');
      } catch {
        inline = undefined;
      }
      const parsed = parametersOf(inline);
      if (parsed) {
        Object.assign(parameters, parsed);
        continue;
      }
    }
    if (!keyValue(template, item, parameters, warn)) throw new CliError(`Unable to parse parameter: ${item}`);
  }
  return parameters;
}

/** The declared parameters with neither a value nor a default, sorted (az asks for them, or stops). */
export function missingParameters(template: Template, parameters: ParameterValues): string[] {
  return Object.entries(template.parameters ?? {})
    .filter(([name, def]) => def?.defaultValue === undefined && !Object.keys(parameters).some((k) => k.toLowerCase() === name.toLowerCase()))
    .map(([name]) => name)
    .sort();
}
