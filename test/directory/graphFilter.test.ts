import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphError } from '../../src/directory/graph/errors.js';
import { matchesFilter, parseFilter } from '../../src/directory/graph/odataFilter.js';

// The OData $filter subset az and Graph clients send, evaluated against serialised Graph objects.

const allowed = new Set(['id', 'displayName', 'appId', 'servicePrincipalNames', 'accountEnabled', 'userPrincipalName']);
const sp = { id: 'a1', displayName: "O'Brien app", appId: 'C0FFEE', servicePrincipalNames: ['c0ffee', 'api://x'], accountEnabled: true };
const match = (f: string, o: Record<string, unknown> = sp) => matchesFilter(parseFilter(f), o, allowed);

test('comparisons, functions, lambdas and boolean operators as az sends them', () => {
  assert.equal(match("appId eq 'c0ffee'"), true, 'string comparison ignores case');
  assert.equal(match("appId ne 'c0ffee'"), false);
  assert.equal(match("displayName eq 'O''Brien app'"), true, "'' escapes a quote");
  assert.equal(match("startswith(displayName,'o''b')"), true);
  assert.equal(match("endswith(displayName, 'APP')"), true);
  assert.equal(match("servicePrincipalNames/any(c:c eq 'API://X')"), true);
  assert.equal(match("servicePrincipalNames/any(c:c eq 'nope')"), false);
  assert.equal(match("servicePrincipalNames/any(s:startswith(s,'api:'))"), true);
  assert.equal(match("accountEnabled eq true and appId eq 'c0ffee'"), true);
  assert.equal(match("accountEnabled eq false or (appId eq 'x' or id eq 'a1')"), true);
  assert.equal(match("not (appId eq 'c0ffee')"), false);
  assert.equal(match("userPrincipalName eq null"), true, 'a missing property equals null');
});

test('malformed filters are BadRequest; unsupported properties and operators are Request_UnsupportedQuery', () => {
  for (const f of ["displayName eq", "startswith(displayName)", "displayName eq 'x' and", "'x' eq displayName", "displayName eq 'unterminated", "(displayName eq 'x'"]) {
    assert.throws(() => match(f), (e: unknown) => e instanceof GraphError && e.status === 400 && e.code === 'BadRequest', f);
  }
  for (const f of ["mail eq 'x'", "displayName gt 'a'", "servicePrincipalNames/all(c:c eq 'x')"]) {
    assert.throws(() => match(f), (e: unknown) => e instanceof GraphError && e.code === 'Request_UnsupportedQuery', f);
  }
});
