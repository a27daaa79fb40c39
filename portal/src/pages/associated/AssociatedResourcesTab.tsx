import { Button, Input, makeStyles, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens, useId } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { ErrorBar } from '../../components/ErrorBar.js';
import type { IdentityTabProps } from '../identities/identityTabs.js';
import { listAssociated, nameFilter, typeLabel, type AssociatedResource } from './associatedApi.js';

const useStyles = makeStyles({
  intro: { display: 'block', maxWidth: '60rem', marginBottom: tokens.spacingVerticalM, color: tokens.colorNeutralForeground2 },
  filter: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, maxWidth: '20rem', marginBottom: tokens.spacingVerticalM },
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  footer: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, marginTop: tokens.spacingVerticalM },
  hideNarrow: { '@media (max-width: 720px)': { display: 'none' } },
});

const PAGE = 50;

/** The hosts (virtual machines…) this identity is assigned to: filter by name, page on demand. */
export function AssociatedResourcesTab({ identity }: IdentityTabProps) {
  const styles = useStyles();
  const filterId = useId('associated-filter');
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<string>();
  const [items, setItems] = useState<AssociatedResource[]>();
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const t = window.setTimeout(() => setFilter(nameFilter(text)), 250);
    return () => window.clearTimeout(t);
  }, [text]);

  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    setError(undefined);
    listAssociated(identity.id, { top: PAGE, filter, signal: abort.signal })
      .then((p) => {
        setItems(p.value);
        setTotal(p.totalCount);
        setNext(p.nextLink);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError(e))
      .finally(() => !abort.signal.aborted && setLoading(false));
    return () => abort.abort();
  }, [identity.id, filter]);

  async function more() {
    if (!next) return;
    setLoading(true);
    try {
      const p = await listAssociated(identity.id, { nextLink: next });
      setItems((i) => [...(i ?? []), ...p.value]);
      setNext(p.nextLink);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  return (
    <>
      <Text className={styles.intro}>
        Resources this managed identity is assigned to. Deleting the identity does not remove it from them: they keep a reference that no longer works.
      </Text>
      <div className={styles.filter} role="search" aria-label="Filter associated resources">
        <label htmlFor={filterId}>Filter by name</label>
        <Input id={filterId} value={text} onChange={(_, d) => setText(d.value)} placeholder="Name contains…" />
      </div>
      <ErrorBar error={error} title="The associated resources could not be listed" />
      {items && items.length > 0 && (
        <div className={styles.tableWrap}>
          <Table aria-label="Associated resources" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <TableHeaderCell>Resource group</TableHeaderCell>
                <TableHeaderCell className={styles.hideNarrow}>Subscription</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>{r.name}</TableCell>
                  <TableCell>{typeLabel(r.type)}</TableCell>
                  <TableCell>{r.resourceGroup}</TableCell>
                  <TableCell className={styles.hideNarrow}>{r.subscriptionDisplayName || r.subscriptionId}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <div className={styles.footer}>
        {loading && <Spinner size="tiny" label="Loading…" />}
        {items && (
          <Text role="status">
            {items.length === 0 ? (filter ? 'No associated resource matches the filter.' : 'No resource uses this identity.') : `Showing ${items.length} of ${total}`}
          </Text>
        )}
        {next && (
          <Button onClick={() => void more()} disabled={loading}>
            Load more
          </Button>
        )}
      </div>
    </>
  );
}
