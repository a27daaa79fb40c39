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
}

export interface CredentialsTable {
  id: string;
  principal_id: string;
  /** scrypt$N$r$p$salt$hash: never the secret itself. */
  secret_hash: string;
  hint: string;
  created_at: string;
  expires_at: string | null;
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

export interface Schema {
  resources: ResourcesTable;
  subscriptions: SubscriptionsTable;
  principals: PrincipalsTable;
  credentials: CredentialsTable;
  signing_keys: SigningKeysTable;
  settings: SettingsTable;
  async_operations: AsyncOperationsTable;
}
