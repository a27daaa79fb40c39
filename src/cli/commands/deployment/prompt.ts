import type { CliContext } from '../../runtime/context.js';
import { CliError } from '../../runtime/errors.js';
import { missingParameters, type ParameterValues, type Template } from './template.js';

/**
 * az's `_prompt_for_parameters`: on a terminal, each parameter without a value or default is asked for (by name,
 * sorted; secure strings without echo), typed by its declaration. Without a terminal the command stops, as az does.
 */
export async function completeParameters(ctx: CliContext, template: Template, parameters: ParameterValues): Promise<ParameterValues> {
  const missing = missingParameters(template, parameters);
  if (!missing.length) return parameters;
  if (!ctx.io.stdin.isTTY) throw new CliError(`Missing input parameters: ${missing.join(', ')}`);
  const readline = await import('node:readline/promises');
  const out = { ...parameters };
  for (const name of missing) {
    const def = template.parameters?.[name] ?? {};
    const type = (def.type ?? 'string').toLowerCase();
    const secret = type === 'securestring' || type === 'secureobject';
    const rl = readline.createInterface({ input: ctx.io.stdin, output: ctx.io.stderr, terminal: true });
    if (secret) {
      // Echo nothing of what is typed after the question.
      const internal = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
      let asked = false;
      internal._writeToOutput = (s: string) => {
        if (!asked) internal.output.write(s);
        asked = true;
      };
    }
    try {
      for (;;) {
        const answer = await rl.question(`Please provide ${type} value for '${name}' (? for help): `);
        if (secret) ctx.io.stderr.write('\n');
        if (answer === '?') {
          const description = ((def as { metadata?: { description?: string } }).metadata?.description) ?? 'Missing description';
          ctx.io.stderr.write(`${description}\n`);
          continue;
        }
        const value = typed(type, answer);
        if (value === undefined) {
          ctx.io.stderr.write(`${type} is not valid: '${answer}'\n`);
          continue;
        }
        out[name] = { value };
        break;
      }
    } finally {
      rl.close();
    }
  }
  return out;
}

function typed(type: string, answer: string): unknown {
  if (type === 'int') return /^[-+]?\d+$/.test(answer.trim()) ? Number(answer) : undefined;
  if (type === 'bool') return ['true', 'false'].includes(answer.trim().toLowerCase()) ? answer.trim().toLowerCase() === 'true' : undefined;
  if (type === 'object' || type === 'array' || type === 'secureobject') {
    try {
      return JSON.parse(answer);
    } catch {
      return undefined;
    }
  }
  return answer;
}
