import { addResourceGroups, fieldsOf, pythonIso } from '../shared/azTransform.js';

/** az 2.45's deployment output models (azure-mgmt-resource, Microsoft.Resources 2021-04-01): every field, null where absent. */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = <T>(v: unknown, each: (x: unknown) => T): T[] | null => (Array.isArray(v) ? v.map(each) : null);

function errorView(e: unknown): Obj | null {
  if (!e || typeof e !== 'object') return null;
  const o = obj(e);
  return {
    code: o.code ?? null,
    message: o.message ?? null,
    target: o.target ?? null,
    details: list(o.details, errorView),
    additionalInfo: list(o.additionalInfo, (a) => fieldsOf(a, ['type', 'info'])),
  };
}

const resourceTypeView = (t: unknown) => fieldsOf(t, ['resourceType', 'locations', 'locationMappings', 'aliases', 'apiVersions', 'defaultApiVersion', 'zoneMappings', 'apiProfiles', 'capabilities', 'properties']);
const providerView = (p: unknown) => ({ ...fieldsOf(p, ['id', 'namespace', 'registrationState', 'registrationPolicy', 'providerAuthorizationConsentState']), resourceTypes: list(obj(p).resourceTypes, resourceTypeView) });
const dependencyView = (d: unknown) => ({ ...fieldsOf(d, ['id', 'resourceType', 'resourceName']), dependsOn: list(obj(d).dependsOn, (x) => fieldsOf(x, ['id', 'resourceType', 'resourceName'])) });
const referenceView = (r: unknown) => fieldsOf(r, ['id']);

function propertiesView(p: unknown): Obj {
  const o = obj(p);
  return {
    provisioningState: o.provisioningState ?? null,
    correlationId: o.correlationId ?? null,
    timestamp: pythonIso(o.timestamp ?? null),
    duration: o.duration ?? null,
    outputs: o.outputs ?? null,
    providers: list(o.providers, providerView),
    dependencies: list(o.dependencies, dependencyView),
    templateLink: o.templateLink ?? null,
    parameters: o.parameters ?? null,
    parametersLink: o.parametersLink ?? null,
    mode: o.mode ?? null,
    debugSetting: o.debugSetting ?? null,
    onErrorDeployment: o.onErrorDeployment ?? null,
    templateHash: o.templateHash ?? null,
    outputResources: list(o.outputResources, referenceView),
    validatedResources: list(o.validatedResources, referenceView),
    error: errorView(o.error),
  };
}

/** DeploymentExtended (create, show, list). */
export function deploymentView(body: unknown): Obj {
  const b = obj(body);
  return addResourceGroups({ ...fieldsOf(b, ['id', 'name', 'type', 'location', 'tags']), properties: propertiesView(b.properties) });
}

/** DeploymentValidateResult as az prints it. */
export function validateView(body: unknown): Obj {
  const b = obj(body);
  return addResourceGroups({ ...fieldsOf(b, ['id', 'name', 'type']), error: errorView(b.error), properties: propertiesView(b.properties) });
}

const propertyChangeView = (c: unknown): Obj => ({ ...fieldsOf(c, ['path', 'propertyChangeType', 'before', 'after']), children: list(obj(c).children, propertyChangeView) });
const changeView = (c: unknown): Obj => ({ ...fieldsOf(c, ['resourceId', 'changeType', 'unsupportedReason', 'before', 'after']), delta: list(obj(c).delta, propertyChangeView) });

/** WhatIfOperationResult, not yet transformed (the report is made from it before az adds resourceGroup). */
export function whatIfResult(body: unknown): { status: unknown; error: Obj | null; changes: Obj[] } {
  const b = obj(body);
  const changes = obj(b.properties).changes ?? b.changes;
  return { status: b.status ?? null, error: errorView(b.error), changes: list(changes, changeView) ?? [] };
}

/** DeploymentOperation. */
export function operationView(body: unknown): Obj {
  const b = obj(body);
  const p = obj(b.properties);
  return addResourceGroups({
    ...fieldsOf(b, ['id', 'operationId']),
    properties: {
      ...fieldsOf(p, ['provisioningOperation', 'provisioningState', 'duration', 'serviceRequestId', 'statusCode', 'request', 'response']),
      timestamp: pythonIso(p.timestamp ?? null),
      statusMessage: p.statusMessage === undefined || p.statusMessage === null ? null : { status: obj(p.statusMessage).status ?? null, error: errorView(obj(p.statusMessage).error) },
      targetResource: p.targetResource ? fieldsOf(p.targetResource, ['id', 'resourceName', 'resourceType']) : null,
    },
  });
}
