import { Button, makeStyles, mergeClasses, Select, TableCell, TableRow, Text, Toolbar, tokens, useId } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../../api/arm.js';
import { useResourceGroups } from '../../api/lookups.js';
import { usePagedList } from '../../api/usePagedList.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { ListTable } from '../../components/ListTable.js';
import { LoadMoreFooter } from '../../components/LoadMoreFooter.js';
import { GroupSelect } from '../../components/LookupSelects.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useSubscriptions } from '../../state/subscriptions.js';
import { activityPath, activityRow, formatTime, TIME_RANGES, type ActivityQuery, type EventData, type TimeRange } from './activityLog.js';

const useStyles = makeStyles({
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, margin: `${tokens.spacingVerticalM} 0` },
  filter: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: '12rem', flex: '1 1 12rem', maxWidth: '20rem' },
  failed: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
  wrap: { overflowWrap: 'anywhere' },
  hideNarrow: { '@media (max-width: 720px)': { display: 'none' } },
});

const PAGE = 50;

/** The selected subscription's activity log (its writes, newest first): time range, resource group and status filters. */
export function ActivityLogPage() {
  const styles = useStyles();
  const ids = { range: useId('al-range'), group: useId('al-group'), status: useId('al-status') };
  const { selected } = useSubscriptions();
  const subscriptionId = selected?.subscriptionId;
  const { groups } = useResourceGroups(subscriptionId);
  const [q, setQ] = useState<ActivityQuery>({ range: '24h', resourceGroup: '', status: '' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => setQ((x) => ({ ...x, resourceGroup: '' })), [subscriptionId]);
  const list = usePagedList<EventData>(
    subscriptionId ? `${subscriptionId}|${JSON.stringify(q)}|${generation}` : undefined,
    (signal) => arm.get<ArmPage<EventData>>(`${withApiVersion(activityPath(subscriptionId ?? '', q, Date.now()), API_VERSIONS.insights)}&$top=${PAGE}`, { signal }),
    (next) => arm.get<ArmPage<EventData>>(next),
  );
  const rows = useMemo(() => list.items?.map(activityRow), [list.items]);
  const { next, loading, error } = list;

  return (
    <>
      <PageHeader title="Activity log" subtitle={selected?.displayName} />
      <Toolbar aria-label="Activity log actions">
        <Button onClick={reload}>Refresh</Button>
      </Toolbar>
      <div className={styles.filters} role="search" aria-label="Filter the activity log">
        <div className={styles.filter}>
          <label htmlFor={ids.range}>Timespan</label>
          <Select id={ids.range} value={q.range} onChange={(_, d) => setQ({ ...q, range: d.value as TimeRange })}>
            {TIME_RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
        </div>
        <div className={styles.filter}>
          <label htmlFor={ids.group}>Resource group</label>
          <GroupSelect id={ids.group} groups={groups} value={q.resourceGroup} onChange={(resourceGroup) => setQ({ ...q, resourceGroup })} empty="All resource groups" />
        </div>
        <div className={styles.filter}>
          <label htmlFor={ids.status}>Status</label>
          <Select id={ids.status} value={q.status} onChange={(_, d) => setQ({ ...q, status: d.value })}>
            <option value="">Any status</option>
            <option value="Succeeded">Succeeded</option>
            <option value="Failed">Failed</option>
          </Select>
        </div>
      </div>
      <ErrorBar error={error} title="The activity log could not be read" />
      {rows && rows.length > 0 && (
        <ListTable label="Activity log" columns={['Operation name', 'Status', 'Time', { label: 'Resource', className: styles.hideNarrow }, 'Event initiated by']}>
          {rows.map((r) => (
            <TableRow key={r.id}>
              <TableCell>
                {r.operation}
                {r.message && (
                  <Text block size={200} className={styles.muted}>
                    {r.message}
                  </Text>
                )}
              </TableCell>
              <TableCell className={r.failed ? styles.failed : undefined}>{r.status}</TableCell>
              <TableCell>{formatTime(r.time)}</TableCell>
              <TableCell className={mergeClasses(styles.wrap, styles.hideNarrow)}>
                {r.resource}
                {r.resourceGroup && (
                  <Text block size={200} className={styles.muted}>
                    {r.resourceGroup}
                  </Text>
                )}
              </TableCell>
              <TableCell className={styles.wrap}>{r.caller}</TableCell>
            </TableRow>
          ))}
        </ListTable>
      )}
      <LoadMoreFooter
        loading={loading}
        status={rows && !loading ? (rows.length === 0 ? 'No events in this timespan.' : `${rows.length} event${rows.length === 1 ? '' : 's'} shown${next ? ', more available' : ''}`) : undefined}
        hasMore={next !== undefined}
        onMore={() => void list.loadMore()}
      />
    </>
  );
}
