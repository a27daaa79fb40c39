/**
 * The "Add federated credential" form as pure functions (tested in test/portal/federatedCredentials.test.ts): the
 * scenario presets Azure's portal offers, which turn a few familiar fields into the issuer and subject the token
 * exchange compares, and the rules the server applies (src/providers/managedIdentity/federatedCredentials.ts).
 */

export type Scenario = 'github' | 'kubernetes' | 'other';
export type GitHubEntity = 'environment' | 'branch' | 'pullRequest' | 'tag';

export const SCENARIOS: { value: Scenario; label: string }[] = [
  { value: 'github', label: 'GitHub Actions deploying Azure resources' },
  { value: 'kubernetes', label: 'Kubernetes accessing Azure resources' },
  { value: 'other', label: 'Other issuer' },
];

export const GITHUB_ENTITIES: { value: GitHubEntity; label: string }[] = [
  { value: 'environment', label: 'Environment' },
  { value: 'branch', label: 'Branch' },
  { value: 'pullRequest', label: 'Pull request' },
  { value: 'tag', label: 'Tag' },
];

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';
export const NAME_MIN = 3;
export const NAME_MAX = 120;
/** The server's limit for issuer, subject and audience. */
export const VALUE_MAX = 600;
/** Azure's limit per identity. */
export const MAX_CREDENTIALS = 20;

export interface FederatedForm {
  scenario: Scenario;
  name: string;
  audience: string;
  // GitHub Actions
  organization: string;
  repository: string;
  entity: GitHubEntity;
  /** Environment, branch or tag name (unused for pull requests). */
  entityValue: string;
  // Kubernetes
  issuerUrl: string;
  namespace: string;
  serviceAccount: string;
  // Other issuer
  issuer: string;
  subject: string;
}

export type FederatedField = 'name' | 'audience' | 'organization' | 'repository' | 'entityValue' | 'issuerUrl' | 'namespace' | 'serviceAccount' | 'issuer' | 'subject';
export type FederatedErrors = Partial<Record<FederatedField, string>>;

export function emptyFederatedForm(scenario: Scenario = 'github'): FederatedForm {
  return { scenario, name: '', audience: DEFAULT_AUDIENCE, organization: '', repository: '', entity: 'environment', entityValue: '', issuerUrl: '', namespace: '', serviceAccount: '', issuer: '', subject: '' };
}

/** `system:serviceaccount:<namespace>:<service account>`, the subject of a Kubernetes service account token. */
export function kubernetesSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace.trim()}:${serviceAccount.trim()}`;
}

/** The `sub` claim GitHub puts in a workflow's OIDC token for the entity it runs for. */
export function githubSubject(organization: string, repository: string, entity: GitHubEntity, value: string): string {
  const repo = `repo:${organization.trim()}/${repository.trim()}`;
  switch (entity) {
    case 'environment':
      return `${repo}:environment:${value.trim()}`;
    case 'branch':
      return `${repo}:ref:refs/heads/${value.trim()}`;
    case 'tag':
      return `${repo}:ref:refs/tags/${value.trim()}`;
    case 'pullRequest':
      return `${repo}:pull_request`;
  }
}

/** The issuer and subject the form stands for (whatever its state: the preview shows them while typing). */
export function issuerAndSubject(f: FederatedForm): { issuer: string; subject: string } {
  switch (f.scenario) {
    case 'github':
      return { issuer: GITHUB_ISSUER, subject: githubSubject(f.organization, f.repository, f.entity, f.entityValue) };
    case 'kubernetes':
      return { issuer: f.issuerUrl.trim(), subject: kubernetesSubject(f.namespace, f.serviceAccount) };
    case 'other':
      return { issuer: f.issuer.trim(), subject: f.subject.trim() };
  }
}

/** Credential names: 3–120 characters, a letter or digit first, then letters, digits, '-' and '_'; unique on the identity. */
export function checkCredentialName(name: string, existing: readonly string[] = []): string | undefined {
  if (name === '') return 'A name is required.';
  if (!/^[a-zA-Z0-9]/.test(name)) return 'The name must start with a letter or a number.';
  const bad = [...new Set([...name].filter((c) => !/[a-zA-Z0-9_-]/.test(c)))];
  if (bad.length) return `The name can contain only letters, numbers, hyphens and underscores (not ${bad.map((c) => `'${c}'`).join(', ')}).`;
  if (name.length < NAME_MIN) return `The name must be at least ${NAME_MIN} characters long.`;
  if (name.length > NAME_MAX) return `The name must be at most ${NAME_MAX} characters long (it is ${name.length}).`;
  if (existing.some((e) => e.toLowerCase() === name.toLowerCase())) return `This identity already has a federated credential named '${name}'.`;
  return undefined;
}

function checkHttpsUrl(value: string, what: string): string | undefined {
  const v = value.trim();
  if (v === '') return `${what} is required.`;
  if (v.length > VALUE_MAX) return `${what} must be at most ${VALUE_MAX} characters long.`;
  try {
    const u = new URL(v);
    if (u.protocol !== 'https:' || !u.hostname) return `${what} must be an https:// URL.`;
  } catch {
    return `${what} must be an absolute https:// URL.`;
  }
  return undefined;
}

/** A path-like part of a subject (organization, repository, namespace…): required, and without characters that would change the subject's shape. */
function checkPart(value: string, what: string, forbidden: RegExp, forbiddenText: string): string | undefined {
  const v = value.trim();
  if (v === '') return `${what} is required.`;
  if (/\s/.test(v)) return `${what} cannot contain spaces.`;
  if (forbidden.test(v)) return `${what} cannot contain ${forbiddenText}.`;
  return undefined;
}

/**
 * Every problem, by field. `existingNames` are the identity's other credentials (names are unique per identity);
 * `existingPairs` their issuer and subject (the server rejects a second credential with the same pair).
 */
export function validateFederatedForm(f: FederatedForm, existingNames: readonly string[] = [], existingPairs: readonly { issuer: string; subject?: string }[] = []): FederatedErrors {
  const errors: FederatedErrors = {};
  const set = (field: FederatedField, message: string | undefined) => {
    if (message) errors[field] = message;
  };
  set('name', checkCredentialName(f.name, existingNames));
  const audience = f.audience.trim();
  set('audience', audience === '' ? 'An audience is required.' : audience.length > VALUE_MAX ? `The audience must be at most ${VALUE_MAX} characters long.` : undefined);
  if (f.scenario === 'github') {
    set('organization', checkPart(f.organization, 'The organization', /[/:]/, "'/' or ':'"));
    set('repository', checkPart(f.repository, 'The repository', /[/:]/, "'/' or ':'"));
    if (f.entity !== 'pullRequest') {
      const what = f.entity === 'environment' ? 'The environment' : f.entity === 'branch' ? 'The branch' : 'The tag';
      set('entityValue', f.entityValue.trim() === '' ? `${what} is required.` : /\s/.test(f.entityValue.trim()) ? `${what} cannot contain spaces.` : undefined);
    }
  } else if (f.scenario === 'kubernetes') {
    set('issuerUrl', checkHttpsUrl(f.issuerUrl, 'The cluster issuer URL'));
    set('namespace', checkPart(f.namespace, 'The namespace', /:/, "':'"));
    set('serviceAccount', checkPart(f.serviceAccount, 'The service account', /:/, "':'"));
  } else {
    set('issuer', checkHttpsUrl(f.issuer, 'The issuer'));
    set('subject', f.subject.trim() === '' ? 'A subject identifier is required.' : undefined);
  }
  const { issuer, subject } = issuerAndSubject(f);
  if (subject.length > VALUE_MAX) errors[f.scenario === 'other' ? 'subject' : f.scenario === 'github' ? 'repository' : 'serviceAccount'] ??= `The subject must be at most ${VALUE_MAX} characters long.`;
  if (Object.keys(errors).length === 0 && existingPairs.some((p) => p.issuer === issuer && p.subject === subject)) {
    errors[f.scenario === 'other' ? 'subject' : f.scenario === 'github' ? 'entityValue' : 'serviceAccount'] = 'Another federated credential of this identity already has this issuer and subject.';
  }
  return errors;
}

/** The PUT body for `…/federatedIdentityCredentials/{name}`. */
export function federatedCredentialBody(f: FederatedForm): { properties: { issuer: string; subject: string; audiences: string[] } } {
  const { issuer, subject } = issuerAndSubject(f);
  return { properties: { issuer, subject, audiences: [f.audience.trim()] } };
}

/** The server's field for an error it names (`target`, or words of the message), so it can be shown next to it. */
export function fieldOfFederatedError(f: FederatedForm, message: string): FederatedField | undefined {
  const m = message.toLowerCase();
  if (m.includes('name') && !m.includes('issuer and subject')) return 'name';
  if (m.includes('audience')) return 'audience';
  if (m.includes('issuer and subject')) return f.scenario === 'other' ? 'subject' : f.scenario === 'github' ? 'entityValue' : 'serviceAccount';
  if (m.includes('issuer')) return f.scenario === 'kubernetes' ? 'issuerUrl' : f.scenario === 'other' ? 'issuer' : undefined;
  if (m.includes('subject')) return f.scenario === 'other' ? 'subject' : undefined;
  return undefined;
}

/** A short, human description of an existing credential's subject (for the list): which preset it looks like. */
export function describeCredential(issuer: string, subject: string | undefined): string {
  if (!subject) return 'Claims matching expression';
  if (issuer === GITHUB_ISSUER) {
    const m = /^repo:([^/:]+)\/([^:]+):(.*)$/.exec(subject);
    if (m) {
      const [, org, repo, rest] = m;
      const where = rest.startsWith('environment:')
        ? `environment ${rest.slice('environment:'.length)}`
        : rest.startsWith('ref:refs/heads/')
          ? `branch ${rest.slice('ref:refs/heads/'.length)}`
          : rest.startsWith('ref:refs/tags/')
            ? `tag ${rest.slice('ref:refs/tags/'.length)}`
            : rest === 'pull_request'
              ? 'pull requests'
              : rest;
      return `GitHub Actions: ${org}/${repo}, ${where}`;
    }
    return 'GitHub Actions';
  }
  const k = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject);
  if (k) return `Kubernetes: service account ${k[2]} in namespace ${k[1]}`;
  return 'Other issuer';
}
