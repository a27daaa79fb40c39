import { Button, makeStyles, Spinner, TableCell, TableRow, Text, Toolbar, tokens } from '@fluentui/react-components';
import { ErrorBar } from '../../components/ErrorBar.js';
import { ListTable } from '../../components/ListTable.js';
import { PageHeader } from '../../components/PageHeader.js';
import { AppLink } from '../../routing/router.js';
import { useSubscriptions } from '../../state/subscriptions.js';
import { subscriptionPath } from '../resourceGroups/resourceGroupLinks.js';

const useStyles = makeStyles({
  tableTop: { marginTop: tokens.spacingVerticalM },
  footer: { display: 'block', marginTop: tokens.spacingVerticalM, color: tokens.colorNeutralForeground3 },
});

/** The subscriptions the user can see (the same list as the top bar's selector); open one, or make it the current one. */
export function SubscriptionsPage() {
  const styles = useStyles();
  const { subscriptions, selected, select, loading, error, reload } = useSubscriptions();
  return (
    <>
      <PageHeader title="Subscriptions" />
      <Toolbar aria-label="Subscription actions">
        <Button onClick={reload}>Refresh</Button>
      </Toolbar>
      <ErrorBar error={error} title="The subscriptions could not be listed" />
      {loading && <Spinner size="tiny" label="Loading…" />}
      <ListTable label="Subscriptions" columns={['Name', 'Subscription ID', 'State', 'Current']} className={styles.tableTop}>
        {subscriptions.map((s) => (
          <TableRow key={s.subscriptionId}>
            <TableCell>
              <AppLink to={subscriptionPath(s.subscriptionId)}>{s.displayName}</AppLink>
            </TableCell>
            <TableCell>
              <code>{s.subscriptionId}</code>
            </TableCell>
            <TableCell>{s.state}</TableCell>
            <TableCell>
              {selected?.subscriptionId === s.subscriptionId ? (
                'Selected'
              ) : (
                <Button size="small" aria-label={`Select ${s.displayName}`} onClick={() => select(s.subscriptionId)}>
                  Select
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </ListTable>
      {!loading && <Text className={styles.footer}>{subscriptions.length === 0 ? 'You have access to no subscription.' : `${subscriptions.length} subscription${subscriptions.length === 1 ? '' : 's'}`}</Text>}
    </>
  );
}
