import fc from 'fast-check';

/**
 * Generators of hostile HTTP requests for the fuzz test. Every request a generator makes with a valid credential and a
 * method that writes carries at least one defect that must make it fail (an api-version that does not exist, a body
 * that is not JSON, an oversized or non-object body, a location of the wrong type): so "state unchanged" afterwards is
 * a real property of the server, not of luck.
 */

export interface HostileRequest {
  family: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Known {
  tenantId: string;
  subscriptionId: string;
  armToken: string;
  graphToken: string;
  hostHeader: string;
  /** A token no key of the server signed (alg none). */
  forgedToken: string;
}

const PERCENT_TRICKS = ['%2F', '%2f..%2f', '%2e%2e', '..', '.', '%00', '%ZZ', '%', '%%25', '%C0%AF', '%252F', '%E2%80%AE', '%F0%9F%98%80', '%EF%BF%BF', '%ED%A0%80', ';a=b', '~', '%20', '+', '*', ':', '@', '%3F', '%23', '$', '\u00e9', '\u00ff'];
const NAMESPACES = ['Microsoft.ManagedIdentity', 'microsoft.managedidentity', 'Microsoft.Authorization', 'Microsoft.Compute', 'Microsoft.Resources', 'Microsoft.Insights', 'Amity.Authorization', 'Microsoft.Unknown', 'Microsoft.ManagedIdentity%2F..'];
const API_VERSIONS_VALID = ['2024-11-30', '2023-01-31', '2015-08-31-preview', '2024-03-01', '2022-12-01', '2022-04-01', '2020-04-01-preview', '2022-08-01', '2015-04-01', '2026-01-01', '2025-04-01'];
const API_VERSIONS_BAD = ['', '2099-01-01', 'latest', '2024-11-30-preview-x', '0', '-1', '2024-13-45', '1e309', '2024-11-30%00', '\u00e9', 'x'.repeat(300)];

/** Percent-encodes whatever Node's client would refuse to send raw (outside 0x21-0x7e), keeping deliberate tricks. */
function wire(s: string): string {
  return s.replace(/[^\u0021-\u007e\u00e9\u00ff]/gu, (c) => encodeURIComponent(c)).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

const unicodeName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(wire);
const plainName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/).map((n) => `fz${n}`);
const segment = fc.oneof(
  { weight: 3, arbitrary: plainName },
  { weight: 3, arbitrary: unicodeName },
  { weight: 3, arbitrary: fc.constantFrom(...PERCENT_TRICKS) },
  { weight: 1, arbitrary: fc.integer({ min: 129, max: 600 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('') },
);
const mixedCase = (s: string) => fc.mixedCase(fc.constant(s));

function subscription(k: Known) {
  return fc.oneof(fc.constant(k.subscriptionId), mixedCase(k.subscriptionId), fc.uuid(), segment);
}
function group() {
  return fc.oneof(fc.constant('seed-rg'), mixedCase('seed-rg'), segment);
}

function armPath(k: Known) {
  const sub = subscription(k);
  const rg = group();
  return fc.oneof(
    sub.map((s) => `/subscriptions/${s}`),
    fc.constant('/subscriptions'),
    fc.constant('/tenants'),
    sub.map((s) => `/subscriptions/${s}/locations`),
    fc.tuple(sub, rg).map(([s, g]) => `/subscriptions/${s}/resourcegroups/${g}`),
    fc.tuple(sub, rg, segment).map(([s, g, n]) => `/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`),
    fc.tuple(sub, rg, fc.oneof(fc.constant('seed-id'), segment), segment).map(([s, g, n, f]) => `/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}/federatedIdentityCredentials/${f}`),
    sub.map((s) => `/subscriptions/${s}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`),
    fc.tuple(sub, rg, segment).map(([s, g, n]) => `/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachines/${n}`),
    fc.tuple(sub, rg, fc.oneof(fc.constant('seed-vm'), segment)).map(([s, g, n]) => `/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachines/${n}/regenerateIdentityCredential`),
    fc.tuple(sub, rg, segment).map(([s, g, n]) => `/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachines/${n}/providers/Microsoft.ManagedIdentity/identities/default`),
    fc.tuple(fc.constantFrom('', `/subscriptions/${k.subscriptionId}`, `/subscriptions/${k.subscriptionId}/resourceGroups/seed-rg`), fc.oneof(fc.uuid(), segment)).map(([scope, n]) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${n}`),
    fc.tuple(fc.constantFrom('', `/subscriptions/${k.subscriptionId}`), fc.oneof(fc.uuid(), segment)).map(([scope, n]) => `${scope}/providers/Microsoft.Authorization/roleDefinitions/${n}`),
    sub.map((s) => `/subscriptions/${s}/providers/Microsoft.Authorization/permissions`),
    fc.constant('/providers/Amity.Authorization/checkAccess'),
    fc.constant('/providers/Microsoft.ManagedIdentity/operations'),
    fc.tuple(sub, rg, segment).map(([s, g, n]) => `/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Resources/deployments/${n}`),
    fc.tuple(sub, segment).map(([s, n]) => `/subscriptions/${s}/operationresults/${n}`),
    sub.map((s) => `/subscriptions/${s}/providers/Microsoft.Insights/eventtypes/management/values`),
    fc.tuple(sub, fc.constantFrom(...NAMESPACES), segment, segment).map(([s, ns, t, n]) => `/subscriptions/${s}/providers/${ns}/${t}/${n}`),
    fc.array(segment, { minLength: 1, maxLength: 12 }).map((segs) => `/${segs.join('/')}`),
    fc.constantFrom('//subscriptions', '///', '/subscriptions//resourcegroups', `/subscriptions/${k.subscriptionId}/resourcegroups/seed-rg/`, '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd'),
  );
}

function armQuery() {
  const version = fc.oneof(fc.constantFrom(...API_VERSIONS_VALID), fc.constantFrom(...API_VERSIONS_BAD));
  const extra = fc.array(
    fc.tuple(fc.constantFrom('$filter', '$skiptoken', '$top', '$select', '$expand', 'api-version', 'resource', 'x'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("eventTimestamp ge '", "principalId eq 'x' or 1 eq 1", 'atScope()', '-1', '1e309', 'NaN', '%ZZ'))),
    { maxLength: 3 },
  );
  return fc.tuple(fc.option(version, { nil: undefined }), extra);
}

/** Bodies that are never acceptable for a write (and may be anything for a read). Oversized bodies are sent apart (the test adds a few). */
function badBody(_k: Known) {
  return fc.oneof(
    fc.constantFrom('{', '{"location":', '[1,2', 'nul', '{"a":1}}', '\u0000', "{'location':'westus'}", '{"location":"westus",}', '\ufeff{"location":1}', '{"__proto__":'),
    fc.integer({ min: 1000, max: 100_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
    fc.integer({ min: 1000, max: 50_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
    fc.oneof(fc.integer(), fc.constant('null'), fc.constant('"text"'), fc.constant('[]'), fc.constant('true')).map(String),
    fc.oneof(fc.integer(), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }), fc.boolean()).map((location) => JSON.stringify({ location, tags: { a: 'b' }, properties: {} })),
  );
}

/** Bodies of any kind, valid-looking JSON included: only for requests that cannot write. */
function anyBody(k: Known) {
  return fc.oneof(
    badBody(k),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.record({ location: fc.constantFrom('westus', 'West US', '\u00e9', ''), tags: fc.dictionary(fc.string({ maxLength: 600 }), fc.string({ maxLength: 300 }), { maxKeys: 60 }), properties: fc.object({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
    fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"location":"westus"}'),
    fc.string({ maxLength: 200 }),
  );
}

function authorization(k: Known, preferred: 'arm' | 'graph') {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${preferred === 'arm' ? k.armToken : k.graphToken}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${preferred === 'arm' ? k.graphToken : k.armToken}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${k.forgedToken}`) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic Og==', 'bearer a.b.c', 'Bearer ' + 'a'.repeat(9000), `Bearer ${k.armToken}x`, `Bearer ${k.armToken} ${k.armToken}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`) },
  );
}

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', '', 'application/merge-patch+json', '*/*');
const headerText = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '?'));

function extraHeaders(k: Known) {
  return fc.record(
    {
      'x-ms-correlation-request-id': fc.oneof(fc.uuid(), headerText, fc.constant('x'.repeat(4000))),
      'x-ms-client-request-id': headerText,
      'if-match': fc.constantFrom('*', '"x"', 'W/"1"', ''),
      accept: fc.constantFrom('application/json', '*/*', 'text/html', ''),
      'accept-language': headerText,
      'x-identity-header': fc.oneof(fc.constant(k.hostHeader), headerText),
      metadata: fc.constantFrom('true', 'false', ''),
      'x-forwarded-for': headerText,
    },
    { requiredKeys: [] },
  );
}

function withQuery(path: string, params: [string, string][]): string {
  if (params.length === 0) return path;
  return `${path}?${params.map(([n, v]) => `${n}=${wire(v)}`).join('&')}`;
}

const WRITE_METHODS = ['PUT', 'PATCH', 'POST', 'DELETE'];

function arm(k: Known) {
  return fc
    .tuple(fc.constantFrom('GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS'), armPath(k), armQuery(), authorization(k, 'arm'), contentType, anyBody(k), badBody(k), extraHeaders(k), fc.nat(3))
    .map(([method, path, [version, extra], auth, type, any, bad, headers, defect]): HostileRequest => {
      const params: [string, string][] = [];
      const writes = WRITE_METHODS.includes(method) && auth === `Bearer ${k.armToken}`;
      // A body on GET and OPTIONS now and then; never on HEAD, whose answer has no body to delimit the next one.
      let body = method === 'HEAD' ? undefined : method === 'GET' || method === 'OPTIONS' ? (defect === 0 ? any : undefined) : any;
      let apiVersion = version;
      if (writes) {
        // The guaranteed defect: a bad api-version (any method), or for PUT a body no type accepts.
        if (method === 'PUT' && defect > 0) body = bad;
        else apiVersion = API_VERSIONS_BAD[defect % API_VERSIONS_BAD.length];
      }
      if (apiVersion !== undefined) params.push(['api-version', apiVersion]);
      params.push(...extra.filter(([n]) => !writes || n !== 'api-version'));
      return { family: 'arm', method, path: withQuery(path, params), headers: { ...headers, authorization: auth, ...(type ? { 'content-type': type } : {}) }, body };
    });
}

function oauth(k: Known) {
  const tenant = fc.oneof(fc.constant(k.tenantId), fc.constantFrom('common', 'organizations', 'adfs', 'consumers'), fc.uuid(), segment);
  const path = fc.oneof(
    tenant.map((t) => `/${t}/oauth2/v2.0/token`),
    tenant.map((t) => `/${t}/oauth2/token`),
    fc.constant('/adfs/oauth2/token'),
    tenant.map((t) => `/${t}/oauth2/v2.0/devicecode`),
    fc.constant('/adfs/oauth2/devicecode'),
    tenant.map((t) => `/${t}/v2.0/.well-known/openid-configuration`),
    tenant.map((t) => `/${t}/discovery/v2.0/keys`),
    tenant.map((t) => `/${t}/oauth2/v2.0/authorize`),
    fc.constantFrom('/adfs/.well-known/openid-configuration', '/adfs/discovery/keys', '/devicelogin', '/metadata/endpoints'),
  );
  const param = fc.tuple(
    fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'resource', 'username', 'password', 'refresh_token', 'device_code', 'code', 'client_assertion', 'client_assertion_type', 'user_code', 'action', 'csrf'),
    fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'https://management.azure.com/.default', '.default', k.armToken, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'a'.repeat(5000))),
  );
  const form = fc.array(param, { maxLength: 8 }).map((ps) => ps.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&'));
  return fc
    .tuple(fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'HEAD'), path, fc.oneof(form, anyBody(k)), contentType, extraHeaders(k), fc.option(authorization(k, 'arm'), { nil: undefined }))
    .map(([method, p, body, type, headers, auth]): HostileRequest => ({
      family: 'oauth',
      method,
      path: p,
      headers: { ...headers, ...(auth !== undefined ? { authorization: auth } : {}), ...(type ? { 'content-type': type } : {}) },
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    }));
}

function graph(k: Known) {
  const collection = fc.constantFrom('users', 'applications', 'servicePrincipals', 'me', 'directoryObjects', 'groups', 'organization', 'USERS', '$metadata');
  const path = fc.oneof(
    collection.map((c) => `/msgraph/v1.0/${c}`),
    fc.tuple(collection, segment).map(([c, id]) => `/msgraph/v1.0/${c}/${id}`),
    fc.tuple(collection, segment, fc.constantFrom('addPassword', 'removePassword', 'memberOf', 'getByIds', 'owners', '$ref')).map(([c, id, a]) => `/msgraph/v1.0/${c}/${id}/${a}`),
    fc.array(segment, { maxLength: 5 }).map((s) => `/msgraph/${s.join('/')}`),
  );
  const query = fc.array(fc.tuple(fc.constantFrom('$filter', '$select', '$top', '$skiptoken', '$count', '$search'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("startswith(displayName,'a')", "appId eq '", 'id in (', "userPrincipalName eq 'x' or true"))), { maxLength: 2 });
  return fc
    .tuple(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), path, query, authorization(k, 'graph'), contentType, anyBody(k), badBody(k), extraHeaders(k))
    .map(([method, p, q, auth, type, any, bad, headers]): HostileRequest => {
      const writes = method !== 'GET' && auth === `Bearer ${k.graphToken}`;
      // A Graph write with a valid token always has a body no Graph type accepts; DELETE goes to names that do not exist.
      const body = method === 'GET' ? undefined : writes ? bad : any;
      const path = writes && method === 'DELETE' ? `/msgraph/v1.0/users/fz-missing-${p.length}` : p;
      return { family: 'graph', method, path: withQuery(path, q), headers: { ...headers, authorization: auth, ...(type ? { 'content-type': type } : {}) }, body };
    });
}

function workload(k: Known) {
  const path = fc.constantFrom('/msi/token', '/MSI/token/', '/msi/token/', '/msi/state', '/metadata/identity/oauth2/token', '/metadata/instance', '/healthz', '/readyz', '/metrics', '/msi/token%2F..');
  const query = fc.array(
    fc.tuple(fc.constantFrom('api-version', 'resource', 'client_id', 'principal_id', 'object_id', 'mi_res_id', 'msi_res_id', 'bypass_cache'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('2019-08-01', '2017-09-01', '2018-02-01', 'https://management.azure.com/', 'api://AzureADTokenExchange', '', '%ZZ'))),
    { maxLength: 5 },
  );
  return fc
    .tuple(fc.constantFrom('GET', 'GET', 'POST', 'HEAD', 'DELETE'), path, query, extraHeaders(k), fc.constantFrom(undefined, 'secret', 'X-IDENTITY-HEADER'), fc.option(anyBody(k), { nil: undefined }))
    .map(([method, p, q, headers, legacy, body]): HostileRequest => {
      const h: Record<string, string> = { ...headers };
      if (legacy === 'secret') h.secret = k.hostHeader;
      return { family: 'workload', method, path: withQuery(p, q), headers: h, body: method === 'GET' || method === 'HEAD' ? undefined : body };
    });
}

/** The IMDS endpoint of `amity agent` on a host (plain http, its own port): `family` 'imds' requests go there. */
function imds(k: Known) {
  const path = fc.oneof(
    fc.constantFrom('/metadata/identity/oauth2/token', '/metadata/identity/oauth2/token/', '/METADATA/identity/oauth2/token', '/metadata/instance', '/metadata/instance/compute', '/metadata/identity/info', '/metadata/identity', '/metadata/scheduledevents', '/', '/metadata/identity/oauth2/token%2F..'),
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/metadata/${s.join('/')}`),
  );
  const query = fc.array(
    fc.tuple(fc.constantFrom('api-version', 'resource', 'client_id', 'object_id', 'principal_id', 'mi_res_id', 'msi_res_id', 'bypass_cache', 'format'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('2018-02-01', '2019-08-01', '2021-02-01', 'https://management.azure.com/', 'api://AzureADTokenExchange', 'json', 'text', '', '%ZZ', 'a'.repeat(3000)))),
    { maxLength: 6 },
  );
  return fc
    .tuple(fc.constantFrom('GET', 'GET', 'GET', 'POST', 'HEAD', 'PUT', 'DELETE'), path, query, fc.constantFrom('true', 'True', 'false', '', undefined), extraHeaders(k), fc.option(anyBody(k), { nil: undefined }))
    .map(([method, p, q, metadata, headers, body]): HostileRequest => {
      const h: Record<string, string> = { ...headers };
      delete h.metadata;
      if (metadata !== undefined) h.metadata = metadata;
      return { family: 'imds', method, path: withQuery(p, q), headers: h, body: method === 'GET' || method === 'HEAD' ? undefined : body };
    });
}

export function hostileRequest(k: Known): fc.Arbitrary<HostileRequest> {
  return fc.oneof({ weight: 5, arbitrary: arm(k) }, { weight: 2, arbitrary: oauth(k) }, { weight: 2, arbitrary: graph(k) }, { weight: 1, arbitrary: workload(k) }, { weight: 1, arbitrary: imds(k) });
}
