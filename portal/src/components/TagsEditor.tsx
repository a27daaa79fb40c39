import { Button, Field, Input, makeStyles, Text, tokens } from '@fluentui/react-components';
import { checkTag, MAX_TAGS } from '../pages/identities/namingRules.js';

export interface TagRow {
  name: string;
  value: string;
}

const useStyles = makeStyles({
  rows: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr) auto', gap: tokens.spacingHorizontalS, alignItems: 'start' },
  remove: { marginTop: '1.6rem' },
  error: { color: tokens.colorPaletteRedForeground1 },
});

export function tagsToRows(tags: Record<string, string> | undefined): TagRow[] {
  return Object.entries(tags ?? {}).map(([name, value]) => ({ name, value }));
}

/** Rows with a name → the tags object ARM takes (empty rows ignored). */
export function rowsToTags(rows: TagRow[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const r of rows) if (r.name.trim() !== '') tags[r.name.trim()] = r.value;
  return tags;
}

/** The first problem in the rows (for disabling Save), if any. */
export function tagRowsError(rows: TagRow[]): string | undefined {
  const named = rows.filter((r) => r.name.trim() !== '' || r.value !== '');
  if (named.length > MAX_TAGS) return `At most ${MAX_TAGS} tags.`;
  const seen = new Set<string>();
  for (const r of named) {
    const e = checkTag(r.name, r.value).error;
    if (e) return e;
    const key = r.name.trim().toLowerCase();
    if (seen.has(key)) return `The tag '${r.name.trim()}' appears twice.`;
    seen.add(key);
  }
  return undefined;
}

/** Name/value rows with per-row validation; "Add tag" appends a row. */
export function TagsEditor({ rows, onChange, serverError }: { rows: TagRow[]; onChange(rows: TagRow[]): void; serverError?: string }) {
  const styles = useStyles();
  const set = (i: number, patch: Partial<TagRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className={styles.rows} role="group" aria-label="Tags">
      {rows.map((r, i) => {
        const error = r.name === '' && r.value === '' ? undefined : checkTag(r.name, r.value).error;
        return (
          <div className={styles.row} key={i}>
            <Field label={`Tag ${i + 1} name`} validationState={error ? 'error' : 'none'} validationMessage={error}>
              <Input value={r.name} onChange={(_, d) => set(i, { name: d.value })} />
            </Field>
            <Field label={`Tag ${i + 1} value`}>
              <Input value={r.value} onChange={(_, d) => set(i, { value: d.value })} />
            </Field>
            <Button className={styles.remove} aria-label={`Remove tag ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </div>
        );
      })}
      {serverError && (
        <Text role="alert" className={styles.error}>
          {serverError}
        </Text>
      )}
      <div>
        <Button onClick={() => onChange([...rows, { name: '', value: '' }])} disabled={rows.length >= MAX_TAGS}>
          Add tag
        </Button>
      </div>
    </div>
  );
}
