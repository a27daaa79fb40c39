/**
 * Azure's template error texts, in one place so every check words them the same way. ARM's messages carry
 * line/column positions; a parsed JSON template has none, so (as Azure does for templates it re-serialises) we
 * say line '1' and column '1'.
 */
import { TemplateError } from '../language/contract.js';

export { TemplateError };

export const AT = "at line '1' and column '1'";

/** `Deployment template validation failed: '<inner>'.`, Azure's InvalidTemplate envelope. */
export function invalidTemplate(inner: string, target?: string): TemplateError {
  return new TemplateError('InvalidTemplate', `Deployment template validation failed: '${inner}'.`, target);
}

/** The deserialiser's refusal (missing required member, unknown member): code InvalidRequestContent. */
export function invalidContent(inner: string): TemplateError {
  return new TemplateError('InvalidRequestContent', `The request content was invalid and could not be deserialized: '${inner}'.`);
}

export function notExpectedHere(fn: string, why?: string): TemplateError {
  return invalidTemplate(`The template function '${fn}' is not expected at this location.${why ? ` ${why}` : ''} Please see https://aka.ms/arm-functions for usage details.`);
}

export function resourceInvalid(name: string, reason: string): TemplateError {
  return invalidTemplate(`The template resource '${name}' ${AT} is not valid: ${reason}. Please see https://aka.ms/arm-template/#resources for usage details.`);
}
