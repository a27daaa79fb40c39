/**
 * The template's shape: required members, unknown members refused, and Azure's size and count limits. Everything
 * here is checked before any expression is evaluated, as ARM's deserialiser does.
 */
import JSON5 from 'json5';
import { TemplateError, invalidContent, invalidTemplate } from './errors.js';
import { isObject, type JsonObject } from './json.js';

export interface Template {
  $schema: string;
  contentVersion: string;
  parameters: JsonObject;
  variables: JsonObject;
  functions: unknown[];
  resources: unknown[];
  outputs: JsonObject;
  /** The template as given, for deployment() and the hash. */
  raw: JsonObject;
}

export const LIMITS = { parameters: 256, variables: 256, resources: 800, outputs: 64, copyCount: 800, templateBytes: 4 * 1024 * 1024 };

const MEMBERS = new Set(['$schema', 'contentVersion', 'apiProfile', 'parameters', 'variables', 'functions', 'resources', 'outputs', 'metadata']);

export function checkTemplate(input: unknown): Template {
  let raw = input;
  if (typeof raw === 'string') {
    // az may hand over the template text as written (comments, trailing commas): ARM accepts JSONC.
    try {
      raw = JSON5.parse(raw);
    } catch (e) {
      throw invalidContent(`${(e as Error).message}`);
    }
  }
  if (!isObject(raw)) throw invalidContent("Error converting value to type 'Template'. Path 'properties.template', line 1, position 1.");
  const size = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (size > LIMITS.templateBytes) {
    throw new TemplateError(
      'DeploymentJobSizeExceeded',
      `The deployment template size '${size}' bytes exceeds the maximum allowed size of '${LIMITS.templateBytes}' bytes. Please see https://aka.ms/arm-template-limits for usage details.`,
    );
  }
  for (const required of ['$schema', 'contentVersion', 'resources']) {
    if (raw[required] === undefined) throw invalidContent(`Required property '${required}' not found in JSON. Path 'properties.template', line 1, position 1.`);
  }
  for (const key of Object.keys(raw)) {
    if (key === 'languageVersion' || key === 'definitions') {
      // Symbolic-name templates (languageVersion 2.0) are a different language: refuse plainly rather than misread them.
      throw invalidTemplate(`The template member '${key}' is not supported: Amity deploys languageVersion 1.0 templates (resources as an array). Please see https://aka.ms/arm-template for usage details.`);
    }
    if (!MEMBERS.has(key)) throw invalidContent(`Could not find member '${key}' on object of type 'Template'. Path 'properties.template.${key}', line 1, position 1.`);
  }
  if (typeof raw.$schema !== 'string') throw invalidContent("Error converting value to type 'Uri'. Path 'properties.template.$schema', line 1, position 1.");
  if (typeof raw.contentVersion !== 'string') throw invalidContent("Error converting value to type 'String'. Path 'properties.template.contentVersion', line 1, position 1.");
  if (!Array.isArray(raw.resources)) throw invalidContent("Cannot deserialize the current JSON object into type 'TemplateResource[]'. Path 'properties.template.resources', line 1, position 1.");
  const section = (name: string): JsonObject => {
    const v = raw[name];
    if (v === undefined || v === null) return {};
    if (!isObject(v)) throw invalidContent(`Cannot deserialize the current JSON array into type 'Dictionary'. Path 'properties.template.${name}', line 1, position 1.`);
    return v;
  };
  const t: Template = {
    $schema: raw.$schema,
    contentVersion: raw.contentVersion,
    parameters: section('parameters'),
    variables: section('variables'),
    outputs: section('outputs'),
    functions: Array.isArray(raw.functions) ? raw.functions : [],
    resources: raw.resources,
    raw,
  };
  const count = (what: string, n: number, max: number): void => {
    if (n > max) throw invalidTemplate(`The number of template ${what} '${n}' exceeds the maximum allowed limit of '${max}'. Please see https://aka.ms/arm-template-limits for usage details.`);
  };
  count('parameters', Object.keys(t.parameters).length, LIMITS.parameters);
  const copyVars = Array.isArray(t.variables.copy) ? t.variables.copy.length - 1 : 0;
  count('variables', Object.keys(t.variables).length + copyVars, LIMITS.variables);
  count('outputs', Object.keys(t.outputs).length, LIMITS.outputs);
  return t;
}
