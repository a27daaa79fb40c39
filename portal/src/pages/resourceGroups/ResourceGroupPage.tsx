import { Button, makeStyles, Spinner, Tab, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, TabList, Text, Toolbar, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../../api/arm.js';
import { resourceGroupId } from '../../api/resourceIds.js';
import type { ResourceGroup } from '../../api/types.js';
import { CopyField } from '../../components/CopyField.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { PageHeader } from '../../components/PageHeader.js';
import { AppLink, navigate, useLocation } from '../../routing/router.js';
import { AccessControl } from '../access/AccessControl.js';
import { typeLabel } from '../associated/associatedApi.js';
import { DeleteResourceGroupDialog } from './DeleteResourceGroupDialog.js';
import { filterByName, resourceGroupPath, subscriptionPath } from './resourceGroupLinks.js';

const useStyles = makeStyles({
  tabs: { margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalL}`, overflowX: 'auto' },
  fields: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '60rem' },
  section: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalXL} 0 ${tokens.spacingVerticalS}` },
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1 },
  link: { marginTop: tokens.spacingVerticalM },
});

interface Resource {
  id: string;
  name: string;
  type: string;
  location: string;
}

/** The resource types listed in a group (there is no generic resource list): identities, and the hosts using them. */
const LISTED = [
  { path: 'providers/Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: API_VERSIONS.managedIdentity },
  { path: 'providers/Microsoft.Compute/virtualMachines', apiVersion: '2022-08-01' },
];

const TABS = [
  { value: 'overview', label: 'Overview' },
  { value: 'iam', label: 'Access control (IAM)' },
];

/** One resource group: essentials and its resources; Access control (IAM) at its scope; Delete. */
export function ResourceGroupPage({ params }: { params: Record<string, string> }) {
  const styles = useStyles();
  const { subscriptionId, name } = params;
  const id = resourceGroupId(subscriptionId, name);
  const { query } = useLocation();
  const tab = TABS.find((t) => t.value === query.get('tab')) ?? TABS[0];
  const [group, setGroup] = useState<ResourceGroup>();
  const [error, setError] = useState<unknown>();
  const [resources, setResources] = useState<Resource[]>();
  const [resourcesError, setResourcesError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const [deleting, setDeleting] = useState(false);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    arm
      .get<ResourceGroup>(withApiVersion(id, API_VERSIONS.resources), { signal: abort.signal })
      .then(setGroup)
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    setResources(undefined);
    setResourcesError(undefined);
    Promise.all(
      LISTED.map(async (t) => {
        const all: Resource[] = [];
        let next: string | undefined = withApiVersion(`${id}/${t.path}`, t.apiVersion);
        while (next && all.length < 1000) {
          const page: ArmPage<Resource> = await arm.get<ArmPage<Resource>>(next, { signal: abort.signal });
          all.push(...page.value);
          next = page.nextLink;
        }
        return all;
      }),
    )
      .then((lists) => setResources(filterByName(lists.flat(), '')))
      .catch((e: unknown) => !abort.signal.aborted && setResourcesError(e));
    return () => abort.abort();
  }, [id, generation]);

  return (
    <>
      <PageHeader title={name} subtitle="Resource group" />
      <Toolbar aria-label="Resource group actions">
        <Button onClick={() => setDeleting(true)} disabled={!group}>
          Delete resource group
        </Button>
        <Button onClick={reload}>Refresh</Button>
      </Toolbar>
      <TabList className={styles.tabs} selectedValue={tab.value} onTabSelect={(_, d) => navigate(resourceGroupPath(subscriptionId, name, String(d.value)), { replace: true })} aria-label="Resource group sections">
        {TABS.map((t) => (
          <Tab key={t.value} value={t.value}>
            {t.label}
          </Tab>
        ))}
      </TabList>
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
            <ErrorBar error={resourcesError} title="The resources could not be listed" />
            {!resources && !resourcesError && <Spinner size="tiny" label="Loading…" />}
            {resources && resources.length === 0 && <Text>This resource group is empty.</Text>}
            {resources && resources.length > 0 && (
              <div className={styles.tableWrap}>
                <Table aria-label="Resources" size="small">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Name</TableHeaderCell>
                      <TableHeaderCell>Type</TableHeaderCell>
                      <TableHeaderCell>Location</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {resources.map((r) => (
                      <TableRow key={r.id}>
                        <TableCell>{/userassignedidentities/i.test(r.type) ? <AppLink to={`/resource${r.id}`}>{r.name}</AppLink> : r.name}</TableCell>
                        <TableCell>{/userassignedidentities/i.test(r.type) ? 'Managed identity' : typeLabel(r.type)}</TableCell>
                        <TableCell>{r.location}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
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
    </>
  );
}
