import { Button, makeStyles, Spinner, TableCell, TableRow, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../../api/arm.js';
import { genericListPath, type GenericResource } from '../../api/genericResources.js';
import { resourceGroupId } from '../../api/resourceIds.js';
import type { ResourceGroup } from '../../api/types.js';
import { useArmGet } from '../../api/useArmGet.js';
import { usePagedList } from '../../api/usePagedList.js';
import { CopyField } from '../../components/CopyField.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { ListTable } from '../../components/ListTable.js';
import { LoadMoreFooter } from '../../components/LoadMoreFooter.js';
import { TabbedPage } from '../../components/TabbedPage.js';
import { AppLink, navigate, useLocation } from '../../routing/router.js';
import { AccessControl } from '../access/AccessControl.js';
import { typeLabel } from '../associated/associatedApi.js';
import { DeleteResourceGroupDialog } from './DeleteResourceGroupDialog.js';
import { resourceGroupPath, subscriptionPath } from './resourceGroupLinks.js';

const useStyles = makeStyles({
  fields: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '60rem' },
  section: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalXL} 0 ${tokens.spacingVerticalS}` },
  link: { marginTop: tokens.spacingVerticalM },
});

/** Resources per page of the group's list; "Load more" follows nextLink. */
const PAGE = 100;

const TABS = [
  { value: 'overview', label: 'Overview' },
  { value: 'iam', label: 'Access control (IAM)' },
];

/** One resource group: essentials and every resource in it (the generic resource list); Access control (IAM) at its scope; Delete. */
export function ResourceGroupPage({ params }: { params: Record<string, string> }) {
  const styles = useStyles();
  const { subscriptionId, name } = params;
  const id = resourceGroupId(subscriptionId, name);
  const { query } = useLocation();
  const tab = TABS.find((t) => t.value === query.get('tab')) ?? TABS[0];
  const { value: group, error, reload: reloadGroup } = useArmGet<ResourceGroup>(withApiVersion(id, API_VERSIONS.resources));
  const [generation, setGeneration] = useState(0);
  const [deleting, setDeleting] = useState(false);
  const resources = usePagedList<GenericResource>(
    `${id}|${generation}`,
    (signal) => arm.get<ArmPage<GenericResource>>(`${withApiVersion(genericListPath(subscriptionId, name, {}), API_VERSIONS.resources)}&$top=${PAGE}`, { signal }),
    (next) => arm.get<ArmPage<GenericResource>>(next),
  );
  const reload = () => {
    reloadGroup();
    setGeneration((g) => g + 1);
  };
  const items = resources.items;

  return (
    <TabbedPage
      title={name}
      subtitle="Resource group"
      actionsLabel="Resource group actions"
      actions={
        <>
          <Button onClick={() => setDeleting(true)} disabled={!group}>
            Delete resource group
          </Button>
          <Button onClick={reload}>Refresh</Button>
        </>
      }
      tabs={TABS}
      selected={tab.value}
      onTab={(value) => navigate(resourceGroupPath(subscriptionId, name, value), { replace: true })}
      tabsLabel="Resource group sections"
    >
      <ErrorBar error={error} title="The resource group could not be read" />
      <div role="tabpanel" aria-label={tab.label}>
        {tab.value === 'iam' && <AccessControl scope={id} scopeTitle={`${name} (resource group)`} />}
        {tab.value === 'overview' && group && (
          <>
            <h2 className={styles.section}>Essentials</h2>
            <div className={styles.fields}>
              <CopyField label="Name" value={group.name} />
              <CopyField label="Location" value={group.location} />
              <CopyField label="Subscription ID" value={subscriptionId} />
              <CopyField label="Resource ID" value={group.id} />
            </div>
            <Text block className={styles.link}>
              <AppLink to={subscriptionPath(subscriptionId)}>Open the subscription</AppLink>
            </Text>
            <h2 className={styles.section}>Resources</h2>
            <ErrorBar error={resources.error} title="The resources could not be listed" />
            {!items && !resources.error && <Spinner size="tiny" label="Loading…" />}
            {items && items.length === 0 && <Text>This resource group is empty.</Text>}
            {items && items.length > 0 && (
              <>
                <ListTable label="Resources" columns={['Name', 'Type', 'Location']}>
                  {items.map((r) => (
                    <TableRow key={r.id}>
                      <TableCell>{/userassignedidentities/i.test(r.type) ? <AppLink to={`/resource${r.id}`}>{r.name}</AppLink> : r.name}</TableCell>
                      <TableCell>{/userassignedidentities/i.test(r.type) ? 'Managed identity' : typeLabel(r.type)}</TableCell>
                      <TableCell>{r.location}</TableCell>
                    </TableRow>
                  ))}
                </ListTable>
                <LoadMoreFooter
                  loading={resources.loading}
                  status={`${items.length} resource${items.length === 1 ? '' : 's'} shown${resources.next ? ', more in the group' : ''}`}
                  hasMore={resources.next !== undefined}
                  onMore={() => void resources.loadMore()}
                />
              </>
            )}
          </>
        )}
      </div>
      {deleting && (
        <DeleteResourceGroupDialog
          subscriptionId={subscriptionId}
          name={name}
          onClose={(deleted) => {
            setDeleting(false);
            if (deleted) navigate('/resourcegroups');
          }}
        />
      )}
    </TabbedPage>
  );
}
