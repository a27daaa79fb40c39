import { Input, makeStyles, TableCell, TableRow, Text, tokens, useId } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { usePagedList } from '../../api/usePagedList.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { ListTable } from '../../components/ListTable.js';
import { LoadMoreFooter } from '../../components/LoadMoreFooter.js';
import type { IdentityTabProps } from '../identities/identityTabs.js';
import { listAssociated, nameFilter, typeLabel, type AssociatedPage, type AssociatedResource } from './associatedApi.js';

const useStyles = makeStyles({
  intro: { display: 'block', maxWidth: '60rem', marginBottom: tokens.spacingVerticalM, color: tokens.colorNeutralForeground2 },
  filter: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, maxWidth: '20rem', marginBottom: tokens.spacingVerticalM },
  hideNarrow: { '@media (max-width: 720px)': { display: 'none' } },
});

const PAGE = 50;

/** The hosts (virtual machines…) this identity is assigned to: filter by name, page on demand. */
export function AssociatedResourcesTab({ identity }: IdentityTabProps) {
  const styles = useStyles();
  const filterId = useId('associated-filter');
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<string>();

  useEffect(() => {
    const t = window.setTimeout(() => setFilter(nameFilter(text)), 250);
    return () => window.clearTimeout(t);
  }, [text]);

  const list = usePagedList<AssociatedResource, AssociatedPage>(
    `${identity.id}|${filter ?? ''}`,
    (signal) => listAssociated(identity.id, { top: PAGE, filter, signal }),
    (nextLink) => listAssociated(identity.id, { nextLink }),
  );
  const { items, next, loading, error } = list;
  const total = list.head?.totalCount ?? 0;

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
        <ListTable label="Associated resources" columns={['Name', 'Type', 'Resource group', { label: 'Subscription', className: styles.hideNarrow }]}>
          {items.map((r) => (
            <TableRow key={r.id}>
              <TableCell>{r.name}</TableCell>
              <TableCell>{typeLabel(r.type)}</TableCell>
              <TableCell>{r.resourceGroup}</TableCell>
              <TableCell className={styles.hideNarrow}>{r.subscriptionDisplayName || r.subscriptionId}</TableCell>
            </TableRow>
          ))}
        </ListTable>
      )}
      <LoadMoreFooter
        loading={loading}
        status={items ? (items.length === 0 ? (filter ? 'No associated resource matches the filter.' : 'No resource uses this identity.') : `Showing ${items.length} of ${total}`) : undefined}
        hasMore={next !== undefined}
        onMore={() => void list.loadMore()}
      />
    </>
  );
}
