import { Button, Input, makeStyles, Spinner, TableCell, TableRow, Text, Toolbar, tokens, useId } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { useResourceGroups } from '../../api/lookups.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { ListTable } from '../../components/ListTable.js';
import { PageHeader } from '../../components/PageHeader.js';
import { AppLink } from '../../routing/router.js';
import { useSubscriptions } from '../../state/subscriptions.js';
import { CreateResourceGroupDialog } from './CreateResourceGroupDialog.js';
import { DeleteResourceGroupDialog } from './DeleteResourceGroupDialog.js';
import { filterByName, resourceGroupPath } from './resourceGroupLinks.js';

const useStyles = makeStyles({
  filter: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, maxWidth: '20rem', margin: `${tokens.spacingVerticalM} 0` },
  footer: { display: 'block', marginTop: tokens.spacingVerticalM, color: tokens.colorNeutralForeground3 },
});

/** The selected subscription's resource groups: filter by name, open one, create, delete. */
export function ResourceGroupsPage() {
  const styles = useStyles();
  const filterId = useId('rg-filter');
  const { selected } = useSubscriptions();
  const subscriptionId = selected?.subscriptionId;
  const [generation, setGeneration] = useState(0);
  const { groups, error, loading } = useResourceGroups(subscriptionId, generation);
  const [text, setText] = useState('');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string>();
  const shown = useMemo(() => filterByName(groups, text), [groups, text]);

  return (
    <>
      <PageHeader title="Resource groups" subtitle={selected?.displayName} />
      <Toolbar aria-label="Resource group actions">
        <Button appearance="primary" onClick={() => setCreating(true)} disabled={!subscriptionId}>
          Create
        </Button>
        <Button onClick={() => setGeneration((g) => g + 1)}>Refresh</Button>
      </Toolbar>
      <div className={styles.filter} role="search" aria-label="Filter resource groups">
        <label htmlFor={filterId}>Filter by name</label>
        <Input id={filterId} value={text} onChange={(_, d) => setText(d.value)} placeholder="Name contains…" />
      </div>
      <ErrorBar error={error} title="The resource groups could not be listed" />
      {loading && <Spinner size="tiny" label="Loading…" />}
      <ListTable label="Resource groups" columns={['Name', 'Location', 'Actions']}>
        {subscriptionId &&
          shown.map((g) => (
            <TableRow key={g.id}>
              <TableCell>
                <AppLink to={resourceGroupPath(subscriptionId, g.name)}>{g.name}</AppLink>
              </TableCell>
              <TableCell>{g.location}</TableCell>
              <TableCell>
                <Button size="small" aria-label={`Delete ${g.name}`} onClick={() => setDeleting(g.name)}>
                  Delete
                </Button>
              </TableCell>
            </TableRow>
          ))}
      </ListTable>
      <Text className={styles.footer} role="status">
        {loading ? '' : `${shown.length} of ${groups.length} resource groups${groups.length >= 1000 ? ' (the first 1000)' : ''}`}
      </Text>
      {creating && subscriptionId && (
        <CreateResourceGroupDialog
          subscriptionId={subscriptionId}
          onClose={(created) => {
            setCreating(false);
            if (created) setGeneration((g) => g + 1);
          }}
        />
      )}
      {deleting && subscriptionId && (
        <DeleteResourceGroupDialog
          subscriptionId={subscriptionId}
          name={deleting}
          onClose={(deleted) => {
            setDeleting(undefined);
            if (deleted) setGeneration((g) => g + 1);
          }}
        />
      )}
    </>
  );
}
