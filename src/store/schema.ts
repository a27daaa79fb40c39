import type { ColumnType } from 'kysely';

/** Table shapes shared by SQLite and PostgreSQL. JSON is stored as text and times as ISO-8601 text, so one code path serves both. */
export interface ResourcesTable {
  /** Lower-cased resource id: ARM ids compare case-insensitively. */
  key: string;
  /** The id as it was first written (case kept). */
  id: string;
  /** Lower-cased full type, e.g. `microsoft.managedidentity/userassignedidentities`. */
  type: string;
  subscription_id: string;
  /** Lower-cased resource group name, '' for resources above resource groups. */
  resource_group: string;
  /** Lower-cased id of the parent resource for child resources, '' otherwise. */
  parent_key: string;
  name: string;
  location: string | null;
  tags: string | null;
  properties: string;
  etag: string;
  created_at: string;
  changed_at: string;
  created_by: string;
  changed_by: string;
}

export interface SubscriptionsTable {
  key: string;
  subscription_id: string;
  tenant_id: string;
  display_name: string;
  state: string;
  created_at: string;
}

export interface PrincipalsTable {
  object_id: string;
  tenant_id: string;
  /** 'ServicePrincipal' | 'User' | 'ManagedIdentity' */
  kind: string;
  app_id: string | null;
  display_name: string;
  /** For a managed identity: the lower-cased id of the resource that owns it. */
  resource_key: string | null;
  created_at: string;
  /** Users only: their sign-in name. */
  user_principal_name: ColumnType<string | null, string | null | undefined, string | null>;
  account_enabled: ColumnType<number, number | undefined, number>;
  /** Consecutive failed password sign-ins, and the lockout they caused. */
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  locked_until: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApplicationsTable {
  object_id: string;
  tenant_id: string;
  app_id: string;
  display_name: string;
  created_at: string;
}

export interface RoleDefinitionsTable {
  /** The role's GUID, lower-cased. */
  id: string;
  /** Lower-cased scope the custom role was created at, e.g. `/subscriptions/{s}`. */
  scope_key: string;
  scope: string;
  role_name: string;
  role_name_key: string;
  description: string;
  /** JSON: [{actions, notActions, dataActions, notDataActions}] */
  permissions: string;
  /** JSON: string[] */
  assignable_scopes: string;
  created_at: string;
  changed_at: string;
  created_by: string;
  changed_by: string;
}

export interface RoleAssignmentsTable {
  /** Lower-cased assignment id. */
  key: string;
  id: string;
  /** The assignment's GUID. */
  name: string;
  scope: string;
  /** Lower-cased scope ('/' for the root). */
  scope_key: string;
  role_definition_id: string;
  principal_id: string;
  principal_type: string;
  description: string | null;
  condition: string | null;
  condition_version: string | null;
  created_at: string;
  changed_at: string;
  created_by: string;
  changed_by: string;
}

export interface ActivityLogTable {
  id: string;
  /** Lower-cased subscription id, '' for tenant-level operations. */
  subscription_id: string;
  event_time: string;
  correlation_id: string;
  caller: string;
  caller_object_id: string;
  operation: string;
  http_method: string;
  scope: string;
  /** 'Succeeded' | 'Failed' */
  status: string;
  status_code: number;
  /** JSON: extra details (error code, message). */
  properties: string;
}

export interface CredentialsTable {
  id: string;
  principal_id: string;
  /** Passwords scrypt$N$r$p$salt$hash, generated client secrets hmac-sha256$salt$hash (directory/secrets.ts): never the value. */
  secret_hash: string;
  hint: string;
  created_at: string;
  expires_at: string | null;
  /** 'secret' (a client secret) or 'password' (a user's). */
  kind: ColumnType<string, string | undefined, string>;
  display_name: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  /** The PKCS#8 private key, encrypted with the key-encryption key (AES-256-GCM). */
  private_key_enc: string;
  created_at: string;
  retired_at: string | null;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface AsyncOperationsTable {
  id: string;
  kind: string;
  resource_key: string;
  status: string;
  error: string | null;
  created_at: string;
  changed_at: string;
}

/** A pending device-code sign-in (migration 0003). */
export interface DeviceCodesTable {
  /** SHA-256 (base64url) of the device code: the code itself is never stored. */
  device_code_hash: string;
  user_code: string;
  tenant_id: string;
  client_id: string;
  /** The audience of the access token to issue. */
  resource: string;
  scope: string;
  /** Which token endpoint asked: 'v2' | 'v1' | 'adfs' (decides the id_token issuer). */
  endpoint: string;
  /** 'pending' | 'approved' | 'declined' | 'redeemed' */
  status: string;
  principal_id: string | null;
  form_token_hash: string | null;
  created_at: string;
  expires_at: string;
}

/** A refresh token (migration 0003), one-time use: redeeming it issues its successor in the same family. */
export interface RefreshTokensTable {
  /** SHA-256 (base64url) of the token. */
  token_hash: string;
  family_id: string;
  tenant_id: string;
  client_id: string;
  principal_id: string;
  resource: string;
  created_at: string;
  expires_at: string;
  redeemed_at: string | null;
}

export interface IdentityAssignmentsTable {
  /** Lower-cased id of the user-assigned identity (it may no longer exist). */
  identity_key: string;
  /** Lower-cased id of the host (virtual machine). */
  host_key: string;
  created_at: string;
}

export interface HostCredentialsTable {
  host_key: string;
  /** base64url SHA-256 of the host's identity header secret. */
  secret_digest: string;
  created_at: string;
}

/** A template deployment's record (migration 0005): only the record; the resources it deployed live in `resources`. */
export interface DeploymentsTable {
  /** Lower-cased deployment id. */
  key: string;
  id: string;
  subscription_id: string;
  /** Lower-cased resource group, '' for subscription-scope deployments. */
  resource_group: string;
  name: string;
  location: string | null;
  tags: string | null;
  /** properties.provisioningState, kept apart for `$filter=provisioningState eq '…'`. */
  provisioning_state: string;
  /** JSON: DeploymentExtended.properties (never the template, never secure parameter values). */
  properties: string;
  /** JSON: the template as submitted (exportTemplate). */
  template: string;
  created_at: string;
  changed_at: string;
  created_by: string;
}

/** One deployment operation (a resource created, read or deleted), as GET …/deployments/{name}/operations shows it. */
export interface DeploymentOperationsTable {
  deployment_key: string;
  operation_id: string;
  /** Order of first appearance. */
  seq: number;
  /** JSON: DeploymentOperation.properties. */
  properties: string;
}

/** The long-running side of a deployment PUT or what-if, polled through operationStatuses / operationResults. */
export interface DeploymentJobsTable {
  id: string;
  deployment_key: string;
  /** 'deploy' | 'whatIf' */
  kind: string;
  /** 'Running' | 'Canceling' | 'Succeeded' | 'Failed' | 'Canceled' */
  status: string;
  /** JSON: the what-if result, or the error of a failed job. */
  result: string | null;
  created_at: string;
  /** Refreshed while the job runs (heartbeat): a job whose node stopped goes stale and is failed. */
  changed_at: string;
}

/** A running node's heartbeat (migration 0006): ARM throttling divides its limits among the live nodes. */
export interface NodesTable {
  node_id: string;
  /** ISO time of the last heartbeat. */
  heartbeat_at: string;
}

/** A web portal session (migration 0007): the cookie holds a random id; only its SHA-256 is kept here. */
export interface PortalSessionsTable {
  id_hash: string;
  tenant_id: string;
  /** The signed-in user's object id. */
  principal_id: string;
  created_at: string;
  /** Refreshed (at most once a minute) by requests: the idle timeout counts from here. */
  last_seen_at: string;
  /** Absolute end of the session, whatever the activity. */
  expires_at: string;
}

export interface Schema {
  resources: ResourcesTable;
  subscriptions: SubscriptionsTable;
  principals: PrincipalsTable;
  credentials: CredentialsTable;
  signing_keys: SigningKeysTable;
  settings: SettingsTable;
  async_operations: AsyncOperationsTable;
  applications: ApplicationsTable;
  role_definitions: RoleDefinitionsTable;
  role_assignments: RoleAssignmentsTable;
  activity_log: ActivityLogTable;
  identity_assignments: IdentityAssignmentsTable;
  host_credentials: HostCredentialsTable;
  device_codes: DeviceCodesTable;
  refresh_tokens: RefreshTokensTable;
  deployments: DeploymentsTable;
  deployment_operations: DeploymentOperationsTable;
  deployment_jobs: DeploymentJobsTable;
  nodes: NodesTable;
  portal_sessions: PortalSessionsTable;
}
