import { TemplateError } from './contract.js';

/**
 * A failure inside the language whose message is only the reason (Azure's inner sentence). The evaluator adds
 * the expression and the template location once, at the top, so functions need not know where they run.
 */
export class LanguageError extends Error {}

/**
 * The TemplateError the language throws. `reason` is Azure's inner sentence, `expression` the template string
 * and `location` the TemplateLocation, so the engine can re-wrap it in a runtime message
 * ("Unable to process template language expressions for resource …") when validation wording does not fit.
 */
export class ExpressionError extends TemplateError {
  constructor(
    readonly expression: string,
    readonly location: string,
    readonly reason: string,
  ) {
    super('InvalidTemplate', expressionMessage(expression, location, reason), location);
  }
}

/** Azure's InvalidTemplate wording, with a location instead of line and column (we parse JSON without positions). */
export function expressionMessage(expression: string, location: string, reason: string): string {
  const where = location ? ` at location '${location}'` : '';
  return `Deployment template validation failed: 'The template language expression '${expression}'${where} is not valid: ${reason} Please see https://aka.ms/arm-template-expressions for usage details.'.`;
}

const USAGE = 'Please see https://aka.ms/arm-functions for usage details.';

export function unknownFunction(name: string): LanguageError {
  return new LanguageError(`The template function '${name}' is not valid. ${USAGE}`);
}

export function functionNotExpectedHere(name: string): LanguageError {
  return new LanguageError(
    `The template function '${name}' is not expected at this location. The function can only be used in the default value of a parameter. ${USAGE}`,
  );
}

export function arityError(name: string, min: number, max: number): LanguageError {
  let expected: string;
  if (min === max) expected = `exactly '${min}' parameter(s)`;
  else if (max === Infinity) expected = `at least '${min}' parameter(s)`;
  else if (min === 0) expected = `at most '${max}' parameter(s)`;
  else expected = `between '${min}' and '${max}' parameter(s)`;
  return new LanguageError(`The template language function '${name}' expects ${expected}. ${USAGE}`);
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** Azure says "its parameter" for one-parameter functions and "its first parameter" otherwise. */
export function parameterWord(index: number, single: boolean): string {
  if (single) return 'its parameter';
  return `its ${ORDINALS[index] ?? `${index + 1}th`} parameter`;
}

export function typeError(name: string, index: number, single: boolean, expected: readonly string[], actual: string): LanguageError {
  const types = expected.map((t) => `'${t}'`).join(' or ');
  return new LanguageError(
    `The template language function '${name}' expects ${parameterWord(index, single)} to be of type ${types}. The provided value is of type '${actual}'. ${USAGE}`,
  );
}
