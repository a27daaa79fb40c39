import type { CliContext } from '../../runtime/context.js';
import { CliError } from '../../runtime/errors.js';
import { API } from '../shared/apiVersions.js';
import { addResourceGroups } from '../shared/azTransform.js';
import { preflightMessage, preflightRefusal } from './errors.js';
import { formatWhatIfReport, type WhatIfChange } from './whatIfReport.js';
import { whatIfResult } from './shapes.js';

export interface WhatIfOptions {
  resultFormat?: string;
  excludeChangeTypes?: string[];
}

/**
 * POST `{deployment}/whatIf` (followed to its end) and az's handling of the result: an error inside it is the
 * command's error; excluded change types are dropped.
 */
export async function runWhatIf(ctx: CliContext, deploymentPath: string, properties: Record<string, unknown>, location: string | undefined, o: WhatIfOptions) {
  const body = { ...(location ? { location } : {}), properties: { ...properties, whatIfSettings: { resultFormat: o.resultFormat ?? 'FullResourcePayloads' } } };
  let reply;
  try {
    reply = await ctx.withSpinner((progress) => ctx.arm().send('POST', `${deploymentPath}/whatIf`, { apiVersion: API.deployments, body, progress }));
  } catch (e) {
    throw preflightRefusal(e);
  }
  const result = whatIfResult(reply.body);
  if (result.error) throw new CliError(preflightMessage(result.error));
  if (o.excludeChangeTypes?.length) {
    const excluded = new Set(o.excludeChangeTypes.map((t) => t.toLowerCase()));
    result.changes = result.changes.filter((c) => !excluded.has(String(c.changeType).toLowerCase()));
  }
  return result;
}

/** Prints az's what-if report on stdout (coloured on a terminal, as az). */
export function printWhatIfReport(ctx: CliContext, result: ReturnType<typeof whatIfResult>): void {
  const colour = ctx.io.stdout.isTTY === true && !process.env.NO_COLOR;
  ctx.io.stdout.write(`${formatWhatIfReport(result.changes as unknown as WhatIfChange[], colour)}\n`);
}

/** The result as `--no-pretty-print` prints it. */
export const whatIfOutput = (result: ReturnType<typeof whatIfResult>) => addResourceGroups({ status: result.status, error: result.error, changes: result.changes });
