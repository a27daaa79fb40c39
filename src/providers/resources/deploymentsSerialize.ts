import type { DeploymentRow } from '../../store/deployments.js';
import type { ArmErrorBody, DeploymentMode, DeploymentResult, DisplayedParameters } from '../../templates/engine/contract.js';
import { DEPLOYMENT_TYPE } from './deploymentsScope.js';

/** `properties` of a DeploymentExtended as stored (the template is kept apart, secure values never). */
export interface DeploymentProperties {
  provisioningState: string;
  correlationId: string;
  timestamp: string;
  duration: string;
  outputs?: DeploymentResult['outputs'];
  outputResources?: DeploymentResult['outputResources'];
  dependencies: DeploymentResult['dependencies'];
  providers: DeploymentResult['providers'];
  parameters: DisplayedParameters;
  mode: DeploymentMode;
  templateHash: string;
  validatedResources?: { id: string }[];
  error?: ArmErrorBody;
}

export const ACTIVE_STATES: readonly string[] = ['Accepted', 'Running'];

/** ISO-8601 duration as Azure writes it: `PT1.2345S`, `PT2M3.5S`, `PT1H0M2S`. */
export function isoDuration(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = Number((total % 60).toFixed(7));
  if (hours) return `PT${hours}H${minutes}M${seconds}S`;
  if (minutes) return `PT${minutes}M${seconds}S`;
  return `PT${seconds}S`;
}

/** DeploymentExtended: `{id, name, type, location?, tags?, properties}`; a running deployment's duration counts up. */
export function serializeDeployment(row: DeploymentRow): Record<string, unknown> {
  const properties = JSON.parse(row.properties) as DeploymentProperties;
  if (ACTIVE_STATES.includes(row.provisioning_state)) properties.duration = isoDuration(Date.now() - Date.parse(row.created_at));
  const out: Record<string, unknown> = { id: row.id, name: row.name, type: DEPLOYMENT_TYPE };
  if (row.location) out.location = row.location;
  const tags = row.tags ? JSON.parse(row.tags) : undefined;
  if (tags && Object.keys(tags).length) out.tags = tags;
  out.properties = { ...properties, provisioningState: row.provisioning_state };
  return out;
}
