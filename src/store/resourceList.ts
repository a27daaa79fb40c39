import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { RESOURCE_GROUP_TYPE } from '../arm/ids.js';
import type { ResourceFilter, Term } from '../providers/resources/resourceFilter.js';
import type { Db, ResourceRow } from './resources.js';
import type { Schema } from './schema.js';

export interface GenericListQuery {
  subscriptionKey: string;
  /** Lower-cased group, for a group's list. */
  groupKey?: string;
  filter: ResourceFilter;
  after?: string;
  limit: number;
}

type Eb = ExpressionBuilder<Schema, 'resources'>;

/**
 * Azure's generic resource list, filtered in SQL so a page costs one indexed scan in key order, whatever the
 * number of resources (migration 0008's indexes cover every column the filter reads except tags). Top-level
 * resources only: groups are not resources of themselves and child resources (federated credentials) are not
 * listed, as in Azure. Names, groups and tag names compare case-insensitively, as ARM compares them; the same
 * SQL (`lower`, `like … escape`, `replace`) runs on SQLite and PostgreSQL.
 */
export async function listResources(db: Db, q: GenericListQuery): Promise<ResourceRow[]> {
  let query = db
    .selectFrom('resources')
    .selectAll()
    .where('subscription_id', '=', q.subscriptionKey)
    .where('parent_key', '=', '')
    .where('type', '!=', RESOURCE_GROUP_TYPE);
  if (q.groupKey !== undefined) query = query.where('resource_group', '=', q.groupKey);
  for (const term of q.filter.terms) query = query.where((eb) => termSql(eb, term));
  const tag = q.filter.tag;
  if (tag) query = query.where((eb) => tagSql(eb, tag.name, tag.value, tag.prefix === true));
  if (q.after !== undefined) query = query.where('key', '>', q.after);
  return query.orderBy('key').limit(q.limit).execute();
}

/** `like` with `|` as the escape character: tag JSON holds backslashes, which must stay literal. */
function escapeLike(s: string): string {
  return s.replace(/[|%_]/g, (c) => `|${c}`);
}

function like(column: Expression<string | null>, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${column}) like lower(${pattern}) escape '|'`;
}

function termSql(eb: Eb, term: Term): Expression<SqlBool> {
  if (term.kind === 'substring') {
    const column = term.field === 'name' ? eb.ref('name') : eb.ref('resource_group');
    return like(column, `%${escapeLike(term.value)}%`);
  }
  const op = term.op === 'eq' ? '=' : '!=';
  switch (term.field) {
    case 'resourceType':
      return eb('type', op, term.value.toLowerCase());
    case 'resourceGroup':
      return eb('resource_group', op, term.value.toLowerCase());
    case 'location':
      // Stored normalised (`westus`); ARM also accepts the display name (`West US`).
      return eb(eb.fn('lower', ['location']), op, term.value.replace(/\s+/g, '').toLowerCase());
    case 'name':
      return sql<SqlBool>`lower(${eb.ref('name')}) ${sql.raw(op === '=' ? '=' : '<>')} lower(${term.value})`;
  }
}

/**
 * Tags are stored as JSON text (`{"env":"prod"}`). A key always follows `{` or `,` and is followed by `:`, while a
 * quote inside a string is escaped (`\"`), so these patterns can only match a tag name, never a value.
 */
function tagSql(eb: Eb, name: string, value: string | undefined, prefix: boolean): Expression<SqlBool> {
  const tags = eb.ref('tags');
  if (prefix) {
    const start = escapeLike(JSON.stringify(name).slice(0, -1));
    return eb.or([like(tags, `{${start}%`), like(tags, `%,${start}%`)]);
  }
  const pair = escapeLike(`${JSON.stringify(name)}:${value === undefined ? '' : JSON.stringify(value)}`);
  const named = like(tags, `%${pair}%`);
  if (value === undefined) return named;
  // Tag values are case-sensitive: the value must also be there in its exact case (`replace` is case-sensitive on both).
  const exact = `:${JSON.stringify(value)}`;
  return eb.and([named, sql<SqlBool>`replace(${tags}, ${exact}, '') <> ${tags}`]);
}
