import { Checkbox, Input, makeStyles, Radio, Select, Spinner, Text, tokens, useId } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { ErrorBar } from '../../components/ErrorBar.js';
import { MEMBER_KIND_LABELS, type Member, type MemberKind } from './accessControl.js';
import { searchMembers } from './accessApi.js';

const useStyles = makeStyles({
  controls: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, marginTop: tokens.spacingVerticalM },
  control: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, flex: '1 1 14rem', maxWidth: '24rem' },
  results: { listStyleType: 'none', padding: 0, margin: `${tokens.spacingVerticalS} 0`, maxHeight: '18rem', overflowY: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  item: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}` },
  detail: { color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
});

/**
 * Search users, service principals and managed identities by the start of their name (Graph `startswith`), and
 * pick one (`single`) or several. Each result is a labelled checkbox or radio button: keyboard and screen readers
 * work as for any form.
 */
export function MemberPicker({ selected, onChange, single, label = 'Search by name' }: { selected: Member[]; onChange(members: Member[]): void; single?: boolean; label?: string }) {
  const styles = useStyles();
  const ids = { search: useId('member-search'), kind: useId('member-kind'), group: useId('member-group') };
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<MemberKind | ''>('');
  const [results, setResults] = useState<Member[]>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const t = window.setTimeout(() => setQuery(text), 250);
    return () => window.clearTimeout(t);
  }, [text]);
  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    setResults(undefined);
    searchMembers(query, abort.signal)
      .then(setResults)
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [query]);

  const shown = (results ?? []).filter((m) => !kind || m.kind === kind);
  const isSelected = (m: Member) => selected.some((s) => s.id === m.id);
  const toggle = (m: Member) => {
    if (single) onChange([m]);
    else onChange(isSelected(m) ? selected.filter((s) => s.id !== m.id) : [...selected, m]);
  };

  return (
    <div>
      <div className={styles.controls} role="search" aria-label="Find members">
        <div className={styles.control}>
          <label htmlFor={ids.search}>{label}</label>
          <Input id={ids.search} value={text} onChange={(_, d) => setText(d.value)} placeholder="Name or user name starts with…" />
        </div>
        <div className={styles.control}>
          <label htmlFor={ids.kind}>Member type</label>
          <Select id={ids.kind} value={kind} onChange={(_, d) => setKind(d.value as MemberKind | '')}>
            <option value="">Users, service principals and managed identities</option>
            <option value="User">Users</option>
            <option value="ServicePrincipal">Service principals</option>
            <option value="ManagedIdentity">Managed identities</option>
          </Select>
        </div>
      </div>
      <ErrorBar error={error} title="The directory could not be searched" />
      {!results && !error && <Spinner size="tiny" label="Searching…" />}
      {results && shown.length === 0 && <Text role="status">No user, service principal or managed identity matches.</Text>}
      {shown.length > 0 && (
        <ul className={styles.results} aria-label="Search results" role={single ? 'radiogroup' : undefined} id={ids.group}>
          {shown.map((m) => {
            const name = `${m.displayName} (${MEMBER_KIND_LABELS[m.kind]})`;
            return (
              <li key={m.id} className={styles.item}>
                {single ? (
                  <Radio name={ids.group} value={m.id} checked={isSelected(m)} onChange={() => toggle(m)} label={name} />
                ) : (
                  <Checkbox checked={isSelected(m)} onChange={() => toggle(m)} label={name} />
                )}
                <Text size={200} className={styles.detail}>
                  {m.detail}
                </Text>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
