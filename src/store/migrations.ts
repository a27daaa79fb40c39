import { Kysely, Migration, MigrationProvider, Migrator, sql } from 'kysely';

/** Migrations in order; each is applied once, in one transaction, by the first node that starts. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('resources')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('resource_group', 'text', (c) => c.notNull())
        .addColumn('parent_key', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('location', 'text')
        .addColumn('tags', 'text')
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('etag', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .execute();
      // Every list is one of these range scans, paged by key.
      await db.schema.createIndex('resources_by_group').on('resources').columns(['subscription_id', 'resource_group', 'type', 'key']).execute();
      await db.schema.createIndex('resources_by_subscription').on('resources').columns(['subscription_id', 'type', 'key']).execute();
      await db.schema.createIndex('resources_by_parent').on('resources').columns(['parent_key', 'type', 'key']).execute();

      await db.schema
        .createTable('subscriptions')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('principals')
        .addColumn('object_id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('app_id', 'text', (c) => c.unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('resource_key', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('principals_by_resource').on('principals').column('resource_key').execute();

      await db.schema
        .createTable('credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('hint', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema.createIndex('credentials_by_principal').on('credentials').column('principal_id').execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_key_enc', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('async_operations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('resource_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_directory_rbac_activity': {
    async up(db: Kysely<any>) {
      // Users and applications live beside service principals in `principals`.
      await db.schema.alterTable('principals').addColumn('user_principal_name', 'text').execute();
      await db.schema.alterTable('principals').addColumn('account_enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('principals').addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('principals').addColumn('locked_until', 'text').execute();
      await db.schema.createIndex('principals_by_upn').on('principals').column('user_principal_name').unique().execute();
      await db.schema.createIndex('principals_by_kind').on('principals').columns(['tenant_id', 'kind', 'object_id']).execute();

      // 'secret' (client secret) or 'password' (a user's); display names as Graph's passwordCredentials have.
      await db.schema.alterTable('credentials').addColumn('kind', 'text', (c) => c.notNull().defaultTo('secret')).execute();
      await db.schema.alterTable('credentials').addColumn('display_name', 'text').execute();

      await db.schema
        .createTable('applications')
        .addColumn('object_id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('app_id', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('role_definitions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scope_key', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('role_name', 'text', (c) => c.notNull())
        .addColumn('role_name_key', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('assignable_scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('role_definitions_by_name').on('role_definitions').columns(['role_name_key']).execute();

      await db.schema
        .createTable('role_assignments')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('scope_key', 'text', (c) => c.notNull())
        .addColumn('role_definition_id', 'text', (c) => c.notNull())
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('principal_type', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('condition', 'text')
        .addColumn('condition_version', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('role_assignments_by_scope').on('role_assignments').columns(['scope_key', 'key']).execute();
      await db.schema.createIndex('role_assignments_by_principal').on('role_assignments').columns(['principal_id', 'key']).execute();

      await db.schema
        .createTable('activity_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('event_time', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('caller', 'text', (c) => c.notNull())
        .addColumn('caller_object_id', 'text', (c) => c.notNull())
        .addColumn('operation', 'text', (c) => c.notNull())
        .addColumn('http_method', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('activity_log_by_subscription').on('activity_log').columns(['subscription_id', 'event_time', 'id']).execute();
    },
  },
  '0003_sign_in': {
    async up(db: Kysely<any>) {
      // Device-code sign-ins waiting for the user: the device code is kept only as a SHA-256 hash.
      await db.schema
        .createTable('device_codes')
        .addColumn('device_code_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_code', 'text', (c) => c.notNull().unique())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        // 'pending' | 'approved' | 'declined' | 'redeemed'
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('principal_id', 'text')
        // The anti-forgery token of the sign-in form last shown for this code (hash).
        .addColumn('form_token_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('device_codes_by_expiry').on('device_codes').column('expires_at').execute();

      // Refresh tokens, as SHA-256 hashes; each is used once and replaced by its successor (same family).
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('redeemed_at', 'text')
        .execute();
      await db.schema.createIndex('refresh_tokens_by_family').on('refresh_tokens').column('family_id').execute();
      await db.schema.createIndex('refresh_tokens_by_principal').on('refresh_tokens').column('principal_id').execute();
    },
  },
  '0004_hosts': {
    async up(db: Kysely<any>) {
      // Which hosts carry which user-assigned identities: kept even after the identity is deleted (a
      // dangling reference, as in Azure), and indexed both ways for token requests and listAssociatedResources.
      await db.schema
        .createTable('identity_assignments')
        .addColumn('identity_key', 'text', (c) => c.notNull())
        .addColumn('host_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('identity_assignments_pk', ['identity_key', 'host_key'])
        .execute();
      await db.schema.createIndex('identity_assignments_by_host').on('identity_assignments').columns(['host_key', 'identity_key']).execute();

      // The secret a host's workloads present (IDENTITY_HEADER): high-entropy, so a SHA-256 digest is enough to store.
      await db.schema
        .createTable('host_credentials')
        .addColumn('host_key', 'text', (c) => c.primaryKey())
        .addColumn('secret_digest', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0005_deployments': {
    async up(db: Kysely<any>) {
      // Template deployment records (src/providers/resources/deployments*.ts), listed per group or subscription by key.
      await db.schema
        .createTable('deployments')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('resource_group', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('location', 'text')
        .addColumn('tags', 'text')
        .addColumn('provisioning_state', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('deployments_by_group').on('deployments').columns(['subscription_id', 'resource_group', 'key']).execute();

      await db.schema
        .createTable('deployment_operations')
        .addColumn('deployment_key', 'text', (c) => c.notNull())
        .addColumn('operation_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deployment_operations_pk', ['deployment_key', 'operation_id'])
        .execute();

      await db.schema
        .createTable('deployment_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('deployment_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('deployment_jobs_by_deployment').on('deployment_jobs').columns(['deployment_key', 'id']).execute();
      await db.schema.createIndex('deployment_jobs_by_status').on('deployment_jobs').columns(['status', 'changed_at']).execute();
    },
  },
  '0006_nodes': {
    async up(db: Kysely<any>) {
      // Live nodes sharing the database heartbeat here (src/server/nodeHeartbeat.ts), so each takes its share of ARM's throttling limits.
      await db.schema.createTable('nodes').addColumn('node_id', 'text', (c) => c.primaryKey()).addColumn('heartbeat_at', 'text', (c) => c.notNull()).execute();
    },
  },
  '0007_portal_sessions': {
    async up(db: Kysely<any>) {
      // Web portal sessions (src/portal/sessions.ts): keyed by the SHA-256 of the cookie's id, never the id itself;
      // the user's tokens are minted per request and never stored.
      await db.schema
        .createTable('portal_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('portal_sessions_by_principal').on('portal_sessions').column('principal_id').execute();
      await db.schema.createIndex('portal_sessions_by_expiry').on('portal_sessions').column('expires_at').execute();
    },
  },
  '0008_generic_resource_list': {
    async up(db: Kysely<any>) {
      // Azure's generic resource list (src/store/resourceList.ts) pages every top-level resource of a subscription or
      // group in key order, whatever its type: these serve that order directly, with no sort of the whole scope.
      await db.schema.createIndex('resources_listing_by_subscription').on('resources').columns(['subscription_id', 'parent_key', 'key']).execute();
      await db.schema.createIndex('resources_listing_by_group').on('resources').columns(['subscription_id', 'resource_group', 'parent_key', 'key']).execute();
    },
  },
  '0009_unique_role_names': {
    async up(db: Kysely<any>) {
      // Custom role names are unique in a directory (RoleDefinitionWithSameNameExists). A read before the insert could
      // not keep them so when two nodes created the same name at once: the database does now. Names such a race left
      // twice keep their oldest role and the others get their id's first 8 characters appended, so no role is lost.
      const suffix = sql`' (' || substr(id, 1, 8) || ')'`;
      await sql`update role_definitions set role_name = role_name || ${suffix}, role_name_key = role_name_key || ${suffix}
        where exists (select 1 from role_definitions o where o.role_name_key = role_definitions.role_name_key
          and (o.created_at < role_definitions.created_at or (o.created_at = role_definitions.created_at and o.id < role_definitions.id)))`.execute(db);
      await db.schema.dropIndex('role_definitions_by_name').execute();
      await db.schema.createIndex('role_definitions_by_name').on('role_definitions').column('role_name_key').unique().execute();
    },
  },
  '0010_unique_role_grants': {
    async up(db: Kysely<any>) {
      // One role for one principal at one scope is one assignment (RoleAssignmentExists). The check was a read in the
      // insert's transaction, which two nodes creating the same grant under different names at once both passed: the
      // database keeps it now. The role's GUID is the last 36 characters of its definition id. A grant such a race left
      // twice keeps its oldest assignment; the others grant nothing more, and are removed.
      const role = (t: string) => sql`lower(substr(${sql.ref(`${t}.role_definition_id`)}, length(${sql.ref(`${t}.role_definition_id`)}) - 35))`;
      await sql`delete from role_assignments where exists (select 1 from role_assignments o
        where o.scope_key = role_assignments.scope_key and o.principal_id = role_assignments.principal_id and ${role('o')} = ${role('role_assignments')}
          and (o.created_at < role_assignments.created_at or (o.created_at = role_assignments.created_at and o.key < role_assignments.key)))`.execute(db);
      await sql`create unique index role_assignments_one_grant on role_assignments (scope_key, principal_id, (lower(substr(role_definition_id, length(role_definition_id) - 35))))`.execute(db);
    },
  },
};

/** The migrations, for tests that start a database at an older version. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = migrations;

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The newest migration this code knows: /readyz checks the database has it. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;

export async function migrate(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
