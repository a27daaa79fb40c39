/** The one door to the expression language, so the rest of the engine does not care where it lives. */
export { isExpression, evaluateString, evaluateExpression, parseExpression, referenceCalls, validateExpression } from '../language/index.js';
