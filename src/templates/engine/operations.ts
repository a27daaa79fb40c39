/** Deployment operations as Azure reports them (GET …/deployments/{name}/operations), and errors as ARM bodies. */
import { randomBytes } from 'node:crypto';
import type { ArmErrorBody, DeploymentOperation } from './contract.js';
import { TemplateError } from './errors.js';
import { statusName } from '../../arm/statusNames.js';

/** The operation's `statusCode`: .NET's name of the HTTP status, as Azure reports it. */
function statusCodeOf(status: number | undefined): string | undefined {
  return status === undefined ? undefined : statusName(status);
}

/** `PT1.234S`, Azure's duration format. */
export function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, '') || '0'}S`;
}

/** Anything thrown by the gateway or the language, as `{code, message, details?}`, plus the HTTP status when known. */
export function toArmError(e: unknown): { status?: number; error: ArmErrorBody } {
  if (e instanceof TemplateError) {
    return { status: 400, error: { code: e.code, message: e.message, ...(e.target ? { target: e.target } : {}), ...(e.details.length ? { details: e.details } : {}) } };
  }
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const x = e as { status?: unknown; code: unknown; message: unknown; extra?: { target?: string; details?: ArmErrorBody[] } };
    const error: ArmErrorBody = { code: String(x.code), message: String(x.message) };
    if (x.extra?.target) error.target = x.extra.target;
    if (x.extra?.details?.length) error.details = x.extra.details;
    return { status: typeof x.status === 'number' ? x.status : undefined, error };
  }
  return { status: 500, error: { code: 'InternalServerError', message: e instanceof Error ? e.message : String(e) } };
}

export interface OperationTarget {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
}

/** One operation's lifecycle: report it Running, then Succeeded or Failed. */
export class OperationTracker {
  readonly operationId = randomBytes(8).toString('hex').toUpperCase();
  private readonly started = Date.now();

  constructor(
    private readonly report: (op: DeploymentOperation) => Promise<void> | void,
    private readonly kind: DeploymentOperation['properties']['provisioningOperation'],
    private readonly target: OperationTarget,
  ) {}

  running(): Promise<void> | void {
    return this.report(this.build('Running'));
  }

  succeeded(status: number): Promise<void> | void {
    return this.report(this.build('Succeeded', statusCodeOf(status)));
  }

  failed(status: number | undefined, error: ArmErrorBody): Promise<void> | void {
    return this.report(this.build('Failed', statusCodeOf(status), { status: 'Failed', error }));
  }

  private build(state: DeploymentOperation['properties']['provisioningState'], statusCode?: string, statusMessage?: unknown): DeploymentOperation {
    return {
      operationId: this.operationId,
      properties: {
        provisioningOperation: this.kind,
        provisioningState: state,
        timestamp: new Date().toISOString(),
        duration: isoDuration(Date.now() - this.started),
        ...(statusCode ? { statusCode } : {}),
        ...(statusMessage ? { statusMessage } : {}),
        targetResource: { id: this.target.id, resourceType: this.target.type, resourceName: this.target.name, apiVersion: this.target.apiVersion },
      },
    };
  }
}
