import { atLeast } from '../../arm/apiVersions.js';
import { objectBody } from '../../arm/body.js';
import { ArmError, armErrors } from '../../arm/errors.js';
import { requireGroup } from '../../arm/groupGuard.js';
import { resourceId } from '../../arm/ids.js';
import { pageOf } from '../../arm/paging.js';
import { etagHeader, requirePreconditions } from '../../arm/preconditions.js';
import { idKey } from '../../arm/path.js';
import { writeStamp } from '../../arm/writeStamp.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import type { ServerContext } from '../../server/context.js';
import { resourceStore, type Db, type ResourceRow } from '../../store/resources.js';
import { MSI_API_VERSIONS } from './apiVersions.js';

/**
 * Federated identity credentials: a proxy child resource of a user-assigned identity (no location, no tags),
 * `…/userAssignedIdentities/{identity}/federatedIdentityCredentials/{name}`, from api-version 2022-01-31-preview.
 * Rules and messages: shared/reference/azure-wire-facts.md §2 (federated identity credential rules).
 *
 * Stored as `resources` rows (the token exchange reads them): type FIC_TYPE, key the lower-cased id, parent_key the
 * identity's key, subscription and group as the identity's, properties `{issuer, subject?, audiences, claimsMatchingExpression?}`.
 */

/** The stored (lower-case) type of a federated identity credential row. */
export const FIC_TYPE = 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials';
/** The type as Azure writes it in responses and RBAC actions. */
export const FIC_ARM_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials';
const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** Every MSI api-version from 2022-01-31-preview on. */
export const FIC_API_VERSIONS = MSI_API_VERSIONS.filter((v) => atLeast(v, '2022-01-31-preview'));
/** Versions with flexible credentials (`claimsMatchingExpression`, subject optional). */
export const FLEXIBLE_FIC_VERSIONS: readonly string[] = ['2025-01-31-preview', '2025-05-31-preview'];

export const MAX_FICS_PER_IDENTITY = 20;
const MAX_LENGTH = 600;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/;

/** What a FIC row's `properties` column holds. */
export interface FicProperties {
  issuer: string;
  subject?: string;
  audiences: string[];
  claimsMatchingExpression?: { value: string; languageVersion: number };
}

const badRequest = (message: string) => new ArmError(400, 'BadRequest', message);

export const ficErrors = {
  invalidName: (name: string) => badRequest(`Federated Identity Credential name '${name}' is invalid.`),
  emptyProperties: () => badRequest('Federated Identity Credential from HTTP body has empty properties'),
  audiences: () => badRequest('Federated identity credentials must have exactly one audience.'),
  duplicate: () => badRequest('Issuer and subject combination already exists for this Managed Identity.'),
  subjectOrExpression: () => badRequest("Either 'subject' or 'claimsMatchingExpression' must be defined, but not both."),
  parentMissing: () => new ArmError(404, 'ParentResourceNotFound', "The parent user-assigned identity doesn't exist."),
  // Messages below are not documented by Azure (unverified wording); the rules are.
  tooMany: () => badRequest(`Too many Federated Identity Credentials. A user-assigned identity can have at most ${MAX_FICS_PER_IDENTITY} federated identity credentials.`),
  tooLong: (field: string) => badRequest(`Federated Identity Credential '${field}' must be at most ${MAX_LENGTH} characters long.`),
  invalidIssuer: (issuer: string) => badRequest(`Federated Identity Credential issuer '${issuer}' is invalid: it must be an absolute https URL.`),
  invalidField: (field: string, expected: string) => badRequest(`Federated Identity Credential '${field}' is invalid: ${expected}.`),
};

/** Validates a PUT body against the version's rules: the properties to store. */
export function ficPropertiesOf(body: unknown, apiVersion: string): FicProperties {
  const b = objectBody(body);
  const p = b.properties;
  if (p === undefined || p === null || typeof p !== 'object' || Array.isArray(p) || Object.keys(p).length === 0) throw ficErrors.emptyProperties();
  const props = p as Record<string, unknown>;
  const flexible = FLEXIBLE_FIC_VERSIONS.includes(apiVersion);

  const issuer = stringField(props.issuer, 'issuer');
  if (issuer === undefined || issuer === '') throw ficErrors.emptyProperties();
  if (issuer.length > MAX_LENGTH) throw ficErrors.tooLong('issuer');
  if (!isHttpsUrl(issuer)) throw ficErrors.invalidIssuer(issuer);

  if (props.audiences === undefined || props.audiences === null) throw ficErrors.emptyProperties();
  if (!Array.isArray(props.audiences) || props.audiences.some((a) => typeof a !== 'string')) throw ficErrors.invalidField('audiences', 'expected an array of strings');
  const audiences = props.audiences as string[];
  if (audiences.length !== 1 || audiences[0] === '') throw ficErrors.audiences();
  if (audiences[0].length > MAX_LENGTH) throw ficErrors.tooLong('audiences');

  let subject = stringField(props.subject, 'subject');
  if (subject === '') subject = undefined;
  if (subject !== undefined && subject.length > MAX_LENGTH) throw ficErrors.tooLong('subject');

  // Versions without flexible credentials do not know `claimsMatchingExpression`: ignored there, as an unknown property.
  const expressionInput = flexible ? props.claimsMatchingExpression : undefined;
  const hasExpression = expressionInput !== undefined && expressionInput !== null;
  if (flexible) {
    if ((subject !== undefined) === hasExpression) throw ficErrors.subjectOrExpression();
  } else if (subject === undefined) {
    throw ficErrors.emptyProperties();
  }
  const result: FicProperties = { issuer, ...(subject !== undefined ? { subject } : {}), audiences: [audiences[0]] };
  if (hasExpression) result.claimsMatchingExpression = expressionOf(expressionInput);
  return result;
}

function expressionOf(input: unknown): { value: string; languageVersion: number } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw ficErrors.invalidField('claimsMatchingExpression', 'expected an object with value and languageVersion');
  const e = input as Record<string, unknown>;
  if (typeof e.value !== 'string' || e.value.trim() === '') throw ficErrors.invalidField('claimsMatchingExpression.value', 'a non-empty expression is required');
  if (e.value.length > MAX_LENGTH) throw ficErrors.tooLong('claimsMatchingExpression.value');
  if (e.languageVersion !== 1) throw ficErrors.invalidField('claimsMatchingExpression.languageVersion', 'the only supported language version is 1');
  return { value: e.value, languageVersion: 1 };
}

function stringField(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ficErrors.invalidField(field, 'expected a string');
  return value;
}

function isHttpsUrl(s: string): boolean {
  if (s.trim() !== s) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && u.hostname !== '';
  } catch {
    return false;
  }
}

/** A FIC as each api-version shows it: id, name, type, properties (a proxy resource: no location, tags or systemData). */
export function serializeFic(row: ResourceRow, apiVersion: string): Record<string, unknown> {
  const p = JSON.parse(row.properties) as FicProperties;
  const properties: Record<string, unknown> = { issuer: p.issuer };
  if (p.subject !== undefined) properties.subject = p.subject;
  properties.audiences = p.audiences;
  if (p.claimsMatchingExpression && FLEXIBLE_FIC_VERSIONS.includes(apiVersion)) properties.claimsMatchingExpression = p.claimsMatchingExpression;
  return { id: row.id, name: row.name, type: FIC_ARM_TYPE, properties };
}

function identityKeyOf(req: ArmRequest): string {
  return idKey(resourceId(req.path.subscriptionId!, req.path.resourceGroup!, IDENTITY_TYPE, [req.path.names[0]]));
}

function ficKeyOf(req: ArmRequest): string {
  return idKey(resourceId(req.path.subscriptionId!, req.path.resourceGroup!, FIC_ARM_TYPE, req.path.names));
}

function ficNotFound(req: ArmRequest): ArmError {
  return armErrors.resourceNotFound(`${IDENTITY_TYPE}/${req.path.names[0]}/federatedIdentityCredentials/${req.path.names[1]}`, req.path.resourceGroup!);
}

/**
 * Reads a parent row inside a write's transaction and holds it until commit: `select … for update` on PostgreSQL,
 * so every write under one parent runs one after the other; SQLite runs one transaction at a time anyway.
 */
export async function lockParentRow(server: ServerContext, trx: Db, key: string): Promise<ResourceRow | undefined> {
  if (server.database.dialect === 'postgres') return trx.selectFrom('resources').selectAll().where('key', '=', key).forUpdate().executeTakeFirst();
  return resourceStore.get(trx, key);
}

async function get(req: ArmRequest): Promise<ArmResponse> {
  const db = req.server.database.db;
  const row = await resourceStore.get(db, ficKeyOf(req));
  if (row && row.type === FIC_TYPE) return { status: 200, body: serializeFic(row, req.apiVersion), headers: etagHeader(row) };
  if (!(await resourceStore.get(db, identityKeyOf(req)))) throw ficErrors.parentMissing();
  throw ficNotFound(req);
}

/**
 * PUT creates (201) or replaces (200). The whole check-and-write runs in one transaction holding the identity's row
 * (see lockParentRow), so the 20-per-identity limit and issuer+subject uniqueness hold under concurrent writes.
 */
async function put(req: ArmRequest): Promise<ArmResponse> {
  const name = req.path.names[1];
  if (!NAME_PATTERN.test(name)) throw ficErrors.invalidName(name);
  const properties = ficPropertiesOf(req.body, req.apiVersion);
  const key = ficKeyOf(req);
  const db = req.server.database.db;
  return db.transaction().execute(async (trx) => {
    await requireGroup(req.server, trx, req.path.subscriptionId!, req.path.resourceGroup!, { write: true, lock: true });
    const identity = await lockParentRow(req.server, trx, identityKeyOf(req));
    if (!identity) throw ficErrors.parentMissing();
    const siblings = await trx.selectFrom('resources').selectAll().where('type', '=', FIC_TYPE).where('parent_key', '=', identity.key).execute();
    const existing = siblings.find((r) => r.key === key);
    // Inside the transaction holding the identity's row: the version checked is the version replaced.
    requirePreconditions(req, existing);
    if (!existing && siblings.length >= MAX_FICS_PER_IDENTITY) throw ficErrors.tooMany();
    if (properties.subject !== undefined) {
      const clash = siblings.some((r) => {
        if (r.key === key) return false;
        const p = JSON.parse(r.properties) as FicProperties;
        return p.issuer === properties.issuer && p.subject === properties.subject;
      });
      if (clash) throw ficErrors.duplicate();
    }
    const now = new Date().toISOString();
    const row: ResourceRow = {
      key,
      id: existing?.id ?? `${identity.id}/federatedIdentityCredentials/${name}`,
      type: FIC_TYPE,
      subscription_id: identity.subscription_id,
      resource_group: identity.resource_group,
      parent_key: identity.key,
      // Names are immutable: a PUT spelling it in another case updates the credential and keeps its name.
      name: existing?.name ?? name,
      location: null,
      tags: null,
      properties: JSON.stringify(properties),
      ...writeStamp(existing, req.principal.objectId, now),
    };
    if (existing) {
      if (!(await resourceStore.replace(trx, row, existing.etag))) throw armErrors.concurrentWrite(row.name);
    } else {
      await resourceStore.insert(trx, row);
    }
    await req.activity.record(trx, { statusCode: existing ? 200 : 201, scope: row.id });
    return { status: existing ? 200 : 201, body: serializeFic(row, req.apiVersion), headers: etagHeader(row) };
  });
}

/** DELETE: 200 when deleted, 204 when there was nothing to delete (also when the identity is gone). */
async function del(req: ArmRequest): Promise<ArmResponse> {
  const key = ficKeyOf(req);
  const db = req.server.database.db;
  return db.transaction().execute(async (trx) => {
    const identity = await lockParentRow(req.server, trx, identityKeyOf(req));
    const found = identity ? await resourceStore.get(trx, key) : undefined;
    const existing = found?.type === FIC_TYPE ? found : undefined;
    requirePreconditions(req, existing);
    if (!existing) return { status: 204 };
    await resourceStore.delete(trx, key);
    await req.activity.record(trx, { statusCode: 200, scope: existing.id });
    return { status: 200 };
  });
}

/** GET of the collection: keyset pages in key order, `$top` and `$skiptoken`, nextLink carrying both. */
async function list(req: ArmRequest): Promise<ArmResponse> {
  const db = req.server.database.db;
  const parentKey = identityKeyOf(req);
  if (!(await resourceStore.get(db, parentKey))) throw ficErrors.parentMissing();
  const { rows, nextLink } = await pageOf(
    (after, limit) => resourceStore.page(db, { subscriptionKey: req.path.subscriptionId!.toLowerCase(), parentKey, type: FIC_TYPE, after, limit }),
    { query: req.query, publicUrl: req.server.publicUrl, pathname: req.pathname, apiVersion: req.apiVersion },
  );
  return { status: 200, body: { value: rows.map((r) => serializeFic(r, req.apiVersion)), ...(nextLink ? { nextLink } : {}) } };
}

export const federatedIdentityCredentials: ResourceTypeDef = {
  type: FIC_ARM_TYPE,
  apiVersions: FIC_API_VERSIONS,
  apiVersionStyle: 'provider',
  scopes: ['resourceGroup'],
  collectionScopes: ['resourceGroup'],
  item: { GET: get, PUT: put, DELETE: del },
  collection: { GET: list },
};
