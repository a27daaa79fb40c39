import assert from 'node:assert/strict';
import test from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { FederatedCredentialFields } from '../../portal/src/pages/federated/FederatedCredentialFields.js';
import {
  checkCredentialName,
  DEFAULT_AUDIENCE,
  describeCredential,
  emptyFederatedForm,
  federatedCredentialBody,
  fieldOfFederatedError,
  GITHUB_ISSUER,
  githubSubject,
  issuerAndSubject,
  kubernetesSubject,
  validateFederatedForm,
  type FederatedForm,
} from '../../portal/src/pages/federated/federatedCredentialForm.js';

// The federated credential presets and rules (portal/src/pages/federated/federatedCredentialForm.ts).

const github = (patch: Partial<FederatedForm> = {}): FederatedForm => ({ ...emptyFederatedForm('github'), name: 'deploy-prod', organization: 'contoso', repository: 'web', entityValue: 'production', ...patch });

test('GitHub Actions subjects for each entity, with GitHub’s issuer', () => {
  assert.equal(githubSubject('contoso', 'web', 'environment', 'production'), 'repo:contoso/web:environment:production');
  assert.equal(githubSubject('contoso', 'web', 'branch', 'main'), 'repo:contoso/web:ref:refs/heads/main');
  assert.equal(githubSubject('contoso', 'web', 'tag', 'v1.2.0'), 'repo:contoso/web:ref:refs/tags/v1.2.0');
  assert.equal(githubSubject(' contoso ', 'web ', 'pullRequest', 'ignored'), 'repo:contoso/web:pull_request');
  assert.deepEqual(issuerAndSubject(github()), { issuer: GITHUB_ISSUER, subject: 'repo:contoso/web:environment:production' });
  assert.equal(GITHUB_ISSUER, 'https://token.actions.githubusercontent.com');
});

test('Kubernetes subject is system:serviceaccount:<namespace>:<service account>', () => {
  assert.equal(kubernetesSubject('default', 'workload'), 'system:serviceaccount:default:workload');
  const f: FederatedForm = { ...emptyFederatedForm('kubernetes'), name: 'aks', issuerUrl: 'https://oidc.example.com/c1/', namespace: 'apps', serviceAccount: 'api' };
  assert.deepEqual(issuerAndSubject(f), { issuer: 'https://oidc.example.com/c1/', subject: 'system:serviceaccount:apps:api' });
  assert.deepEqual(validateFederatedForm(f), {});
});

test('the request body: issuer, subject and the one audience (default api://AzureADTokenExchange)', () => {
  assert.equal(emptyFederatedForm().audience, DEFAULT_AUDIENCE);
  assert.equal(DEFAULT_AUDIENCE, 'api://AzureADTokenExchange');
  assert.deepEqual(federatedCredentialBody(github()), { properties: { issuer: GITHUB_ISSUER, subject: 'repo:contoso/web:environment:production', audiences: [DEFAULT_AUDIENCE] } });
  const other: FederatedForm = { ...emptyFederatedForm('other'), name: 'x-1', issuer: ' https://issuer.example.com ', subject: ' abc ', audience: ' custom ' };
  assert.deepEqual(federatedCredentialBody(other), { properties: { issuer: 'https://issuer.example.com', subject: 'abc', audiences: ['custom'] } });
});

test('credential names: 3–120, a letter or digit first, then letters, digits, - and _; unique on the identity', () => {
  for (const ok of ['abc', 'a-b_c', '1ab', 'x'.repeat(120)]) assert.equal(checkCredentialName(ok), undefined, ok);
  assert.match(checkCredentialName('')!, /required/);
  assert.match(checkCredentialName('ab')!, /at least 3/);
  assert.match(checkCredentialName('-ab')!, /start with a letter or a number/);
  assert.match(checkCredentialName('a b.c')!, /' ', '\.'/);
  assert.match(checkCredentialName('x'.repeat(121))!, /at most 120/);
  assert.match(checkCredentialName('Deploy', ['deploy'])!, /already has a federated credential named/);
});

test('each scenario checks its own fields', () => {
  assert.deepEqual(validateFederatedForm(github()), {});
  const e = validateFederatedForm(github({ organization: '', repository: 'a/b', entityValue: '' }));
  assert.match(e.organization!, /required/);
  assert.match(e.repository!, /'\/'/);
  assert.match(e.entityValue!, /environment is required/);
  assert.equal(validateFederatedForm(github({ entity: 'pullRequest', entityValue: '' })).entityValue, undefined);
  assert.match(validateFederatedForm(github({ entity: 'branch', entityValue: '' })).entityValue!, /branch is required/);

  const k = validateFederatedForm({ ...emptyFederatedForm('kubernetes'), name: 'abc', issuerUrl: 'http://insecure', namespace: 'a:b', serviceAccount: '' });
  assert.match(k.issuerUrl!, /https/);
  assert.match(k.namespace!, /':'/);
  assert.match(k.serviceAccount!, /required/);

  const o = validateFederatedForm({ ...emptyFederatedForm('other'), name: 'abc', issuer: 'not a url', subject: '', audience: '' });
  assert.match(o.issuer!, /https/);
  assert.match(o.subject!, /required/);
  assert.match(o.audience!, /audience is required/);
});

test('a second credential with the same issuer and subject is flagged before the server rejects it', () => {
  const pairs = [{ issuer: GITHUB_ISSUER, subject: 'repo:contoso/web:environment:production' }];
  assert.match(validateFederatedForm(github(), [], pairs).entityValue!, /already has this issuer and subject/);
  assert.deepEqual(validateFederatedForm(github({ entityValue: 'staging' }), [], pairs), {});
});

test("the server's messages go to the field they concern", () => {
  assert.equal(fieldOfFederatedError(github(), "Federated Identity Credential name 'x' is invalid."), 'name');
  assert.equal(fieldOfFederatedError(github(), 'Issuer and subject combination already exists for this Managed Identity.'), 'entityValue');
  assert.equal(fieldOfFederatedError(emptyFederatedForm('other'), 'Issuer and subject combination already exists for this Managed Identity.'), 'subject');
  assert.equal(fieldOfFederatedError(emptyFederatedForm('kubernetes'), "Federated Identity Credential issuer 'x' is invalid: it must be an absolute https URL."), 'issuerUrl');
  assert.equal(fieldOfFederatedError(github(), 'Federated identity credentials must have exactly one audience.'), 'audience');
  assert.equal(fieldOfFederatedError(github(), 'Too many Federated Identity Credentials.'), undefined);
});

test('existing credentials are described by the preset they look like', () => {
  assert.equal(describeCredential(GITHUB_ISSUER, 'repo:contoso/web:environment:production'), 'GitHub Actions: contoso/web, environment production');
  assert.equal(describeCredential(GITHUB_ISSUER, 'repo:contoso/web:ref:refs/heads/main'), 'GitHub Actions: contoso/web, branch main');
  assert.equal(describeCredential(GITHUB_ISSUER, 'repo:contoso/web:pull_request'), 'GitHub Actions: contoso/web, pull requests');
  assert.equal(describeCredential('https://k8s', 'system:serviceaccount:apps:api'), 'Kubernetes: service account api in namespace apps');
  assert.equal(describeCredential('https://x', 'something'), 'Other issuer');
  assert.equal(describeCredential('https://x', undefined), 'Claims matching expression');
});

/** The pane's fields rendered to HTML (react-dom/server inside a FluentProvider; no browser). */
function render(form: FederatedForm, errors = validateFederatedForm(form)): string {
  return renderToStaticMarkup(createElement(FluentProvider, { theme: webLightTheme }, createElement(FederatedCredentialFields, { form, onChange: () => undefined, errors })));
}

test('the GitHub preset: labelled fields, the subject built while typing, a name error next to the Name field', () => {
  const html = render(github({ name: 'deploy prod' }));
  for (const label of ['Federated credential scenario', 'Organization', 'Repository', 'Entity', 'Environment', 'Issuer', 'Subject identifier', 'Name', 'Audience']) {
    assert.match(html, new RegExp(`<label[^>]*for="[^"]+"[^>]*>${label}`), label);
  }
  assert.match(html, /value="repo:contoso\/web:environment:production"/);
  assert.match(html, /value="https:\/\/token\.actions\.githubusercontent\.com"/);
  assert.match(html, /value="api:\/\/AzureADTokenExchange"/);
  const at = html.indexOf('>Name');
  const block = html.slice(at, at + 2500);
  assert.match(block, /aria-invalid="true"/);
  assert.match(block, /can contain only letters, numbers, hyphens and underscores/);
  assert.doesNotMatch(html.slice(0, at), /aria-invalid="true"/, 'no other field is flagged');
});

test('a pull request needs no entity value; Kubernetes and other issuer show their own fields', () => {
  const label = (html: string, text: string) => new RegExp(`<label[^>]*>${text}`).test(html);
  assert.ok(!label(render(github({ entity: 'pullRequest' })), 'Environment'), 'no Environment field for pull requests');
  assert.match(render(github({ entity: 'pullRequest' })), /value="repo:contoso\/web:pull_request"/);
  const k = render({ ...emptyFederatedForm('kubernetes'), name: 'abc', issuerUrl: 'https://k8s.example.com', namespace: 'apps', serviceAccount: 'api' });
  assert.ok(label(k, 'Cluster issuer URL') && label(k, 'Namespace') && label(k, 'Service account'), 'Kubernetes fields');
  assert.match(k, /value="system:serviceaccount:apps:api"/);
  assert.ok(!label(k, 'Organization'), 'no GitHub field for Kubernetes');
  const o = render({ ...emptyFederatedForm('other'), name: 'abc', issuer: 'http://x', subject: '' });
  assert.match(o, /must be an https:\/\/ URL/);
  assert.match(o, /A subject identifier is required/);
});
