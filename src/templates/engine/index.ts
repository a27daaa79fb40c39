/** The template engine's entry points (see contract.ts). */
export { validateDeployment } from './validate.js';
export { runDeployment, DEPLOYMENT_FAILED_MESSAGE } from './run.js';
export { whatIf } from './whatIf.js';
export { templateHash } from './plan.js';
export type * from './contract.js';
