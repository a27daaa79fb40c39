import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Schema } from '../store/schema.js';
import { resourceStore, type Db, type ResourceRow } from '../store/resources.js';
import { writeResource, type OwnedInsert } from '../store/resourceWrite.js';
import { objectBody, optionalObject, optionalString } from './body.js';
import { writeStamp } from './writeStamp.js';
import { armErrors } from './errors.js';
import { requireGroup } from './groupGuard.js';
import { groupKeyOf, resourceId } from './ids.js';
import { requireLocation } from './locations.js';
import { idKey } from './path.js';
import { pageOf } from './paging.js';
import { etagHeader, hasPreconditions, requirePreconditions } from './preconditions.js';
import { validateTags } from './tags.js';
import type { ApiVersionStyle } from './apiVersions.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from './types.js';

export interface PropertiesInput {
  /** `properties` of the request body, if any. */
  input: Record<string, unknown> | undefined;
  apiVersion: string;
  /** Stored properties of the resource being updated; undefined on create. */
  existing: Record<string, unknown> | undefined;
  location: string;
  req: ArmRequest;
  /** The whole request body, for types that read top-level fields besides `properties` and `tags` (e.g. `identity`). */
  body: Record<string, unknown>;
  /** PUT replaces, PATCH merges. */
  method: 'PUT' | 'PATCH';
  /** The id of the resource being written. */
  resourceId: string;
}

/** What a tracked resource type (location + tags, lives in a resource group) adds to the shared mechanics. */
export interface TrackedTypeSpec {
  type: string;
  apiVersions: readonly string[];
  apiVersionStyle?: ApiVersionStyle;
  validateName(name: string): void;
  locationRequired(apiVersion: string): boolean;
  /** Validates and merges the writable properties; read-only ones are kept from `existing` or made by onCreate. */
  properties(p: PropertiesInput): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Rows the resource owns from its creation (e.g. its principal): inserted with it, atomically. */
  ownedOnCreate?(row: ResourceRow, req: ArmRequest): OwnedInsert[];
  /** Runs in the transaction of every successful create or update, with the row it replaced. */
  onWrite?(trx: Transaction<Schema>, row: ResourceRow, existing: ResourceRow | undefined, req: ArmRequest): Promise<void>;
  /** Runs in the delete's transaction: remove what the resource owns. */
  onDelete?(trx: Transaction<Schema>, row: ResourceRow): Promise<void>;
  serialize(row: ResourceRow, apiVersion: string): Record<string, unknown>;
  actions?: ResourceTypeDef['actions'];
}

/** Optimistic writes retried when a concurrent change moved the etag, before answering 409 Conflict. */
export const WRITE_ATTEMPTS = 3;

export function trackedResourceType(spec: TrackedTypeSpec): ResourceTypeDef {
  const lowerType = spec.type.toLowerCase();
  // Keyed by the id as ARM reads it (decoded names, lower-cased) rather than by how the request spelled
  // it: clients escape differently (`a%28b%29` vs `a(b)`) and every spelling must reach the one resource.
  const idOf = (req: ArmRequest) => resourceId(req.path.subscriptionId!, req.path.resourceGroup!, spec.type, req.path.names);
  const keyOf = (req: ArmRequest) => idKey(idOf(req));
  const qualifiedName = (req: ArmRequest) => `${spec.type}/${req.path.names[req.path.names.length - 1]}`;
  const notFound = (req: ArmRequest) => armErrors.resourceNotFound(qualifiedName(req), req.path.resourceGroup!);

  /** The row at `key`: on a first attempt the one dispatch read with the scope (same statement), else read now. */
  async function current(req: ArmRequest, key: string, attempt: number): Promise<ResourceRow | undefined> {
    const item = req.scope?.item;
    if (attempt === 1 && item?.key === key) return item.row;
    return resourceStore.get(req.server.database.db, key);
  }

  async function get(req: ArmRequest): Promise<ArmResponse> {
    const row = await current(req, keyOf(req), 1);
    if (!row) throw notFound(req);
    return { status: 200, body: spec.serialize(row, req.apiVersion), headers: etagHeader(row) };
  }

  async function put(req: ArmRequest): Promise<ArmResponse> {
    const body = objectBody(req.body);
    const name = req.path.names[req.path.names.length - 1];
    spec.validateName(name);
    const tags = validateTagsOf(body);
    const propertiesInput = optionalObject(body.properties, 'properties');
    const key = keyOf(req);
    for (let attempt = 1; ; attempt++) {
      const existing = await current(req, key, attempt);
      requirePreconditions(req, existing);
      const location = await locationFor(req, body, existing);
      if (existing && existing.location !== location) {
        throw armErrors.invalidResourceLocation(existing.name, existing.location ?? '', req.path.resourceGroup!, location);
      }
      const existingProps = existing ? JSON.parse(existing.properties) : undefined;
      const properties = await spec.properties({ input: propertiesInput, apiVersion: req.apiVersion, existing: existingProps, location, req, body, method: 'PUT', resourceId: existing?.id ?? idOf(req) });
      const now = new Date().toISOString();
      const row: ResourceRow = {
        key,
        id: existing?.id ?? idOf(req),
        type: lowerType,
        subscription_id: req.path.subscriptionId!.toLowerCase(),
        resource_group: req.path.resourceGroup!.toLowerCase(),
        parent_key: '',
        name: existing?.name ?? name,
        location,
        tags: JSON.stringify(tags ?? {}),
        properties: JSON.stringify(properties),
        ...writeStamp(existing, req.principal.objectId, now),
      };
      const written = await writeRow(req, row, existing);
      if (written) return { status: existing ? 200 : 201, body: spec.serialize(written, req.apiVersion), headers: etagHeader(written) };
      if (attempt >= WRITE_ATTEMPTS) throw armErrors.concurrentWrite(name);
    }
  }

  async function patch(req: ArmRequest): Promise<ArmResponse> {
    const body = objectBody(req.body);
    const tags = validateTagsOf(body);
    const propertiesInput = optionalObject(body.properties, 'properties');
    for (let attempt = 1; ; attempt++) {
      const existing = await current(req, keyOf(req), attempt);
      if (!existing) throw notFound(req);
      requirePreconditions(req, existing);
      const location = existing.location ?? '';
      const requested = optionalString(body.location, 'location');
      if (requested !== undefined && requireLocation(requested, { resourceType: spec.type }) !== location) {
        throw armErrors.invalidResourceLocation(existing.name, location, req.path.resourceGroup!, requested);
      }
      const properties = await spec.properties({
        input: propertiesInput,
        apiVersion: req.apiVersion,
        existing: JSON.parse(existing.properties),
        location,
        req,
        body,
        method: 'PATCH',
        resourceId: existing.id,
      });
      const row: ResourceRow = {
        ...existing,
        // PATCH replaces the whole tag set when tags are given (ARM semantics), and keeps it otherwise.
        tags: tags === undefined ? existing.tags : JSON.stringify(tags),
        properties: JSON.stringify(properties),
        etag: crypto.randomUUID(),
        changed_at: new Date().toISOString(),
        changed_by: req.principal.objectId,
      };
      const written = await writeRow(req, row, existing);
      if (written) return { status: 200, body: spec.serialize(written, req.apiVersion), headers: etagHeader(written) };
      if (attempt >= WRITE_ATTEMPTS) throw armErrors.concurrentWrite(existing.name);
    }
  }

  async function del(req: ArmRequest): Promise<ArmResponse> {
    const db = req.server.database.db;
    // Unconditional deletes keep their single attempt; a conditional one deletes only the version it checked.
    const conditional = hasPreconditions(req);
    for (let attempt = 1; ; attempt++) {
      const existing = await current(req, keyOf(req), attempt);
      requirePreconditions(req, existing);
      if (!existing) return { status: 204 };
      const deleted = await db.transaction().execute(async (trx) => {
        if (!(await resourceStore.delete(trx, existing.key, conditional ? existing.etag : undefined))) return false;
        await spec.onDelete?.(trx, existing);
        await req.activity.record(trx, { statusCode: 200, scope: existing.id });
        return true;
      });
      if (deleted) return { status: 200 };
      if (!conditional) return { status: 204 };
      if (attempt >= WRITE_ATTEMPTS) throw armErrors.concurrentWrite(existing.name);
    }
  }

  async function list(req: ArmRequest): Promise<ArmResponse> {
    const db = req.server.database.db;
    const subscriptionKey = req.path.subscriptionId!.toLowerCase();
    const groupKey = req.path.resourceGroup?.toLowerCase();
    const { rows, nextLink } = await pageOf(
      (after, limit) => resourceStore.page(db, { subscriptionKey, groupKey, type: lowerType, after, limit }),
      { query: req.query, publicUrl: req.server.publicUrl, pathname: req.pathname, apiVersion: req.apiVersion },
    );
    return { status: 200, body: { value: rows.map((r) => spec.serialize(r, req.apiVersion)), ...(nextLink ? { nextLink } : {}) } };
  }

  /**
   * One attempt at the write, atomic: the row, what it owns from its creation and its activity-log event. Its insert or
   * replace also checks that the group is still the version dispatch read and checked, share-locking it on PostgreSQL
   * (GroupGuard), rather than reading and locking it in a statement of its own; when the group moved on, it is read
   * again here: gone or being deleted answers as requireGroup does, otherwise the attempt is retried against the group as
   * it is now. On PostgreSQL a type without onWrite writes in one statement and one round trip (store/resourceWrite.ts).
   */
  async function writeRow(req: ArmRequest, row: ResourceRow, existing: ResourceRow | undefined): Promise<ResourceRow | undefined> {
    const { db, dialect } = req.server.database;
    const postgres = dialect === 'postgres';
    const group = req.scope?.group ?? (await requireGroup(req.server, db, req.path.subscriptionId!, req.path.resourceGroup!, { write: true }));
    const write = (trx: Db) =>
      writeResource(trx, dialect, {
        row,
        expectedEtag: existing?.etag,
        // SQLite runs one write transaction at a time, in process: reading the group there costs no round trip and is
        // cheaper than SQLite's INSERT … SELECT, so only PostgreSQL folds the group check into the write.
        guard: postgres ? { key: group.key, etag: group.etag } : undefined,
        owned: [...(existing ? [] : (spec.ownedOnCreate?.(row, req) ?? [])), ...req.activity.rows({ statusCode: existing ? 200 : 201, scope: row.id })],
      });
    try {
      const written =
        postgres && !spec.onWrite
          ? await write(db)
          : await db.transaction().execute(async (trx) => {
              if (!postgres) await requireGroup(req.server, trx, req.path.subscriptionId!, req.path.resourceGroup!, { write: true });
              if (!(await write(trx))) return false;
              await spec.onWrite?.(trx, row, existing, req);
              return true;
            });
      if (!written) await refreshGroup(req);
      return written ? row : undefined;
    } catch (e) {
      // A concurrent create of the same name lost the race on the primary key: read again and update.
      if (!existing && isUniqueViolation(e)) return undefined;
      throw e;
    }
  }

  /** After a write matched nothing: throws if the group is gone or being deleted, else keeps its current row for the retry. */
  async function refreshGroup(req: ArmRequest): Promise<void> {
    const group = await requireGroup(req.server, req.server.database.db, req.path.subscriptionId!, req.path.resourceGroup!, { write: true });
    if (req.scope) req.scope = { ...req.scope, group };
  }

  async function locationFor(req: ArmRequest, body: Record<string, unknown>, existing: ResourceRow | undefined): Promise<string> {
    if (body.location !== undefined && body.location !== null && body.location !== '') return requireLocation(body.location, { resourceType: spec.type });
    if (spec.locationRequired(req.apiVersion)) throw armErrors.locationRequired();
    if (existing?.location) return existing.location;
    const group = await resourceStore.get(req.server.database.db, groupKeyOf(req.path.subscriptionId!, req.path.resourceGroup!));
    return group?.location ?? 'global';
  }

  return {
    type: spec.type,
    apiVersions: spec.apiVersions,
    apiVersionStyle: spec.apiVersionStyle ?? 'provider',
    scopes: ['resourceGroup'],
    collectionScopes: ['resourceGroup', 'subscription'],
    item: { GET: get, PUT: put, PATCH: patch, DELETE: del },
    collection: { GET: list },
    actions: spec.actions,
  };
}

function validateTagsOf(body: Record<string, unknown>) {
  return validateTags(body.tags);
}

export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
