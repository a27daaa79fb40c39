import { Button, makeStyles, mergeClasses, Select, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Toolbar, tokens, useId } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../../api/arm.js';
import { useResourceGroups } from '../../api/lookups.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useSubscriptions } from '../../state/subscriptions.js';
import { activityPath, activityRow, formatTime, TIME_RANGES, type ActivityQuery, type ActivityRow, type EventData, type TimeRange } from './activityLog.js';

const useStyles = makeStyles({
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, margin: `${tokens.spacingVerticalM} 0` },
  filter: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: '12rem', flex: '1 1 12rem', maxWidth: '20rem' },
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  failed: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
  wrap: { overflowWrap: 'anywhere' },
  footer: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, marginTop: tokens.spacingVerticalM },
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
  const [rows, setRows] = useState<ActivityRow[]>();
  const [next, setNext] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => setQ((x) => ({ ...x, resourceGroup: '' })), [subscriptionId]);
  useEffect(() => {
    if (!subscriptionId) return;
    const abort = new AbortController();
    setLoading(true);
    setError(undefined);
    arm
      .get<ArmPage<EventData>>(`${withApiVersion(activityPath(subscriptionId, q, Date.now()), API_VERSIONS.insights)}&$top=${PAGE}`, { signal: abort.signal })
      .then((p) => {
        setRows(p.value.map(activityRow));
        setNext(p.nextLink);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError(e))
      .finally(() => !abort.signal.aborted && setLoading(false));
    return () => abort.abort();
  }, [subscriptionId, q, generation]);

  async function more() {
    if (!next) return;
    setLoading(true);
    try {
      const p = await arm.get<ArmPage<EventData>>(next);
      setRows((r) => [...(r ?? []), ...p.value.map(activityRow)]);
      setNext(p.nextLink);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

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
          <Select id={ids.group} value={q.resourceGroup} onChange={(_, d) => setQ({ ...q, resourceGroup: d.value })}>
            <option value="">All resource groups</option>
            {groups.map((g) => (
              <option key={g.id} value={g.name}>
                {g.name}
              </option>
            ))}
          </Select>
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
        <div className={styles.tableWrap}>
          <Table aria-label="Activity log" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Operation name</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Time</TableHeaderCell>
                <TableHeaderCell className={styles.hideNarrow}>Resource</TableHeaderCell>
                <TableHeaderCell>Event initiated by</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
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
            </TableBody>
          </Table>
        </div>
      )}
      <div className={styles.footer}>
        {loading && <Spinner size="tiny" label="Loading…" />}
        {rows && !loading && <Text role="status">{rows.length === 0 ? 'No events in this timespan.' : `${rows.length} event${rows.length === 1 ? '' : 's'} shown${next ? ', more available' : ''}`}</Text>}
        {next && (
          <Button onClick={() => void more()} disabled={loading}>
            Load more
          </Button>
        )}
      </div>
    </>
  );
}
