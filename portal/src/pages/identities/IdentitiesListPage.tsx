import {
  Button,
  Input,
  makeStyles,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  TableSelectionCell,
  Text,
  Toolbar,
  tokens,
  useId,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { useLocations, useResourceGroups } from '../../api/lookups.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { GroupSelect, RegionSelect } from '../../components/LookupSelects.js';
import { PageHeader } from '../../components/PageHeader.js';
import { AppLink } from '../../routing/router.js';
import { useSubscriptions } from '../../state/subscriptions.js';
import { CreateIdentityPane } from './CreateIdentityPane.js';
import { DeleteIdentitiesDialog } from './DeleteIdentitiesDialog.js';
import { DISPLAY_STEP, matches, sortRows, type Row, type SortDirection, type SortKey } from './identityList.js';
import { useIdentityList } from './useIdentityList.js';

const useStyles = makeStyles({
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, margin: `${tokens.spacingVerticalM} 0` },
  filter: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: '12rem', flex: '1 1 12rem', maxWidth: '20rem' },
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  footer: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, marginTop: tokens.spacingVerticalM },
  muted: { color: tokens.colorNeutralForeground3 },
  hideNarrow: { '@media (max-width: 720px)': { display: 'none' } },
});

/** Managed Identities of the selected subscription: filter, sort, page on demand, select several and delete; Create opens the pane. */
export function IdentitiesListPage() {
  const styles = useStyles();
  const { selected: subscription } = useSubscriptions();
  const subscriptionId = subscription?.subscriptionId;
  const [nameInput, setNameInput] = useState('');
  const [name, setName] = useState('');
  const [resourceGroup, setResourceGroup] = useState('');
  const [location, setLocation] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({ key: 'name', direction: 'ascending' });
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Row[] | undefined>();
  const [groupsGeneration, setGroupsGeneration] = useState(0);
  const ids = { name: useId('filter-name'), group: useId('filter-group'), location: useId('filter-location') };

  // Typing scans pages only once the user pauses.
  useEffect(() => {
    const t = window.setTimeout(() => setName(nameInput), 250);
    return () => window.clearTimeout(t);
  }, [nameInput]);
  // A new scope or filter shows the first rows again (decided during render, so the list never loads for the old
  // count under the new filter) and starts with a clean selection.
  const scopeKey = `${subscriptionId}|${resourceGroup}|${name}|${location}`;
  const [more, setMore] = useState({ key: scopeKey, wanted: DISPLAY_STEP });
  const wanted = more.key === scopeKey ? more.wanted : DISPLAY_STEP;
  useEffect(() => setSelection(new Set()), [scopeKey]);
  useEffect(() => setResourceGroup(''), [subscriptionId]);

  const filter = useMemo(() => ({ name, location }), [name, location]);
  const list = useIdentityList(subscriptionId, resourceGroup, filter, wanted);
  const { groups } = useResourceGroups(subscriptionId, groupsGeneration);
  const { locations } = useLocations(subscriptionId);

  const matching = useMemo(() => list.rows.filter((r) => matches(r, filter)), [list.rows, filter]);
  const visible = useMemo(() => sortRows(matching, sort.key, sort.direction).slice(0, wanted), [matching, sort, wanted]);
  const allVisibleSelected = visible.length > 0 && visible.every((r) => selection.has(r.id));

  const toggle = (id: string) =>
    setSelection((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const toggleAll = () => setSelection(allVisibleSelected ? new Set() : new Set(visible.map((r) => r.id)));
  const sortBy = (key: SortKey) => setSort((s) => ({ key, direction: s.key === key && s.direction === 'ascending' ? 'descending' : 'ascending' }));
  const header = (key: SortKey, label: string, className?: string) => (
    <TableHeaderCell className={className} sortable sortDirection={sort.key === key ? sort.direction : undefined} onClick={() => sortBy(key)}>
      {label}
    </TableHeaderCell>
  );

  return (
    <>
      <PageHeader title="Managed Identities" subtitle={subscription ? subscription.displayName : undefined} />
      <Toolbar aria-label="Managed identity actions">
        <Button appearance="primary" onClick={() => setCreating(true)} disabled={!subscriptionId}>
          Create
        </Button>
        <Button
          onClick={() => {
            list.reload();
            setGroupsGeneration((g) => g + 1);
          }}
        >
          Refresh
        </Button>
        <Button disabled={selection.size === 0} onClick={() => setDeleting(list.rows.filter((r) => selection.has(r.id)))}>
          Delete{selection.size ? ` (${selection.size})` : ''}
        </Button>
      </Toolbar>

      <div className={styles.filters} role="search" aria-label="Filter identities">
        <div className={styles.filter}>
          <label htmlFor={ids.name}>Filter by name</label>
          <Input id={ids.name} value={nameInput} onChange={(_, d) => setNameInput(d.value)} placeholder="Name contains…" />
        </div>
        <div className={styles.filter}>
          <label htmlFor={ids.group}>Resource group</label>
          <GroupSelect id={ids.group} groups={groups} value={resourceGroup} onChange={setResourceGroup} empty="All resource groups" />
        </div>
        <div className={styles.filter}>
          <label htmlFor={ids.location}>Location</label>
          <RegionSelect id={ids.location} locations={locations} value={location} onChange={setLocation} empty="All locations" />
        </div>
      </div>

      <ErrorBar error={list.error} title="The identities could not be listed" />
      <div className={styles.tableWrap}>
        <Table aria-label="Managed identities" size="small">
          <TableHeader>
            <TableRow>
              <TableSelectionCell checked={allVisibleSelected ? true : selection.size > 0 ? 'mixed' : false} onClick={toggleAll} checkboxIndicator={{ 'aria-label': 'Select all shown identities' }} />
              {header('name', 'Name')}
              {header('resourceGroup', 'Resource group')}
              {header('location', 'Location', styles.hideNarrow)}
              <TableHeaderCell className={styles.hideNarrow}>Client ID</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {visible.map((r) => (
              <TableRow key={r.id} aria-selected={selection.has(r.id)}>
                <TableSelectionCell checked={selection.has(r.id)} onClick={() => toggle(r.id)} checkboxIndicator={{ 'aria-label': `Select ${r.name}` }} />
                <TableCell>
                  <AppLink to={`/resource${r.id}`}>{r.name}</AppLink>
                </TableCell>
                <TableCell>{r.resourceGroup}</TableCell>
                <TableCell className={styles.hideNarrow}>{r.location}</TableCell>
                <TableCell className={styles.hideNarrow}>
                  <code>{r.clientId}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div className={styles.footer}>
        {list.loading && <Spinner size="tiny" label="Loading…" />}
        {!list.loading && visible.length === 0 && !list.error && <Text>No managed identities{name || location ? ' match the filters' : ''}.</Text>}
        <Text className={styles.muted} role="status">
          Showing {visible.length} of {matching.length} matching ({list.rows.length} loaded{list.hasMore ? ', more on the server' : ''})
          {list.hasMore ? '; sorted within the loaded identities' : ''}
        </Text>
        {(matching.length > visible.length || list.hasMore) && (
          <Button onClick={() => setMore({ key: scopeKey, wanted: wanted + DISPLAY_STEP })} disabled={list.loading}>
            Load more
          </Button>
        )}
      </div>

      {creating && subscriptionId && (
        <CreateIdentityPane
          subscriptionId={subscriptionId}
          onClose={(created) => {
            setCreating(false);
            if (created) {
              list.reload();
              setGroupsGeneration((g) => g + 1);
            }
          }}
        />
      )}
      {deleting && (
        <DeleteIdentitiesDialog
          identities={deleting}
          onDone={(deletedIds) => {
            setDeleting(undefined);
            if (deletedIds.length) {
              list.remove(deletedIds);
              setSelection((s) => new Set([...s].filter((id) => !deletedIds.includes(id))));
            }
          }}
        />
      )}
    </>
  );
}
