import { objectBody, optionalObject, optionalString } from '../../arm/body.js';
import { ArmError, armErrors } from '../../arm/errors.js';
import { requireLocation } from '../../arm/locations.js';
import { validateTags } from '../../arm/tags.js';
import type { DeploymentInput, DeploymentMode, ParameterValues } from '../../templates/engine/contract.js';

export const DEPLOYMENT_NAME_LIMIT = 64;
const NAME_CHARS = /^[-\w.()]$/u;

/** Azure's deployment name rules (letters, digits, `-._()`, at most 64), checked before anything else. */
export function validateDeploymentName(name: string): void {
  if (name.length > DEPLOYMENT_NAME_LIMIT) {
    throw armErrors.badRequest(
      'DeploymentNameLengthLimitExceeded',
      `The provided deployment name '${name}' has a length of '${name.length}' which exceeds the maximum length of '${DEPLOYMENT_NAME_LIMIT}'. Please see https://aka.ms/arm-deploy-resources for usage details.`,
    );
  }
  const invalid = [...new Set([...name].filter((c) => !NAME_CHARS.test(c)))].join('');
  if (invalid || name.length === 0) {
    throw armErrors.badRequest(
      'DeploymentNameInvalidCharacters',
      `The provided deployment name '${name}' has these invalid characters: '${invalid}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'. Please see https://aka.ms/arm-deploy-resources for usage details.`,
    );
  }
}

export interface DeploymentRequest {
  input: DeploymentInput;
  /** Subscription-scope deployments only (required there). */
  location?: string;
  tags?: Record<string, string>;
}

/** The body of a deployment PUT, validate or what-if: `{location?, tags?, properties: {template, parameters, mode}}`. */
export function parseDeploymentRequest(body: unknown, atSubscription: boolean): DeploymentRequest {
  const root = objectBody(body);
  const properties = optionalObject(root.properties, 'properties');
  if (!properties) throw armErrors.invalidRequestContent("Required property 'properties' not found in JSON. Path ''");
  // Amity runs without the internet: a linked template or parameter file could never be fetched.
  if (properties.templateLink !== undefined && properties.templateLink !== null) throw linkRefused('templateLink', 'properties.template', '--template-file');
  if (properties.parametersLink !== undefined && properties.parametersLink !== null) throw linkRefused('parametersLink', 'properties.parameters', '--parameters @file.json');
  const template = properties.template;
  if (template === undefined || template === null) {
    throw armErrors.badRequest('InvalidDeployment', "The deployment must have either 'properties.template' or 'properties.templateLink'.");
  }
  if (typeof template !== 'object' || Array.isArray(template)) throw armErrors.invalidRequestContent("Error converting value to type 'Object'. Path 'properties.template'");
  const parameters = (optionalObject(properties.parameters, 'properties.parameters') ?? {}) as ParameterValues;
  const location = atSubscription ? requireLocation(root.location, 'resourceGroup') : optionalString(root.location, 'location');
  return { input: { template, parameters, mode: modeOf(properties.mode) }, location, tags: validateTags(root.tags) };
}

function modeOf(value: unknown): DeploymentMode {
  // Clients always send it; Azure's own default when absent is Incremental.
  if (value === undefined || value === null) return 'Incremental';
  const mode = typeof value === 'string' ? value.toLowerCase() : '';
  if (mode === 'incremental') return 'Incremental';
  if (mode === 'complete') return 'Complete';
  throw armErrors.invalidRequestContent(`Error converting value ${JSON.stringify(value)} to type 'DeploymentMode'. Path 'properties.mode'`);
}

function linkRefused(property: string, instead: string, cli: string): ArmError {
  return armErrors.badRequest(
    'InvalidContentLink',
    `'properties.${property}' is not supported: this Amity server has no internet access and cannot download linked content. Send the content inline in '${instead}' (az: ${cli}).`,
  );
}

/**
 * The secure parameter values of a request, read from the template's declared types. The engine reports them once
 * validation succeeds; this covers the errors it throws before, so no error or log line can echo them.
 */
export function declaredSecrets(input: DeploymentInput): string[] {
  const declared = (input.template as { parameters?: Record<string, { type?: unknown }> }).parameters;
  if (!declared || typeof declared !== 'object') return [];
  const out: string[] = [];
  for (const [name, def] of Object.entries(declared)) {
    const type = typeof def?.type === 'string' ? def.type.toLowerCase() : '';
    if (type !== 'securestring' && type !== 'secureobject') continue;
    const given = Object.entries(input.parameters).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]?.value;
    collectStrings(given, out);
  }
  return out;
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (value && typeof value === 'object') {
    Object.values(value).forEach((v) => collectStrings(v, out));
    out.push(JSON.stringify(value));
  }
}

/** Replaces every secret (3 characters or more: shorter ones would mangle ordinary words) in a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 3) out = out.split(s).join('******');
  return out;
}

/** Redacts every string inside a JSON value. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  return JSON.parse(redact(JSON.stringify(value), secrets.map((s) => JSON.stringify(s).slice(1, -1)))) as T;
}
