import { Button, makeStyles, Spinner, Tab, TabList, Toolbar, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion } from '../../api/arm.js';
import type { Identity } from '../../api/types.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { PageHeader } from '../../components/PageHeader.js';
import { navigate, useLocation } from '../../routing/router.js';
import { DeleteIdentitiesDialog } from './DeleteIdentitiesDialog.js';
import { IDENTITY_TABS } from './identityTabs.js';

const useStyles = makeStyles({
  tabs: { margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalL}`, overflowX: 'auto' },
});

/** One user-assigned identity by its ARM id: toolbar (Delete, Refresh), then tabs (Overview first). */
export function IdentityPage({ params }: { params: Record<string, string> }) {
  const styles = useStyles();
  const id = params.id;
  const { query } = useLocation();
  const tab = IDENTITY_TABS.find((t) => t.value === query.get('tab')) ?? IDENTITY_TABS[0];
  const [identity, setIdentity] = useState<Identity>();
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const [deleting, setDeleting] = useState(false);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    arm
      .get<Identity>(withApiVersion(id, API_VERSIONS.managedIdentity), { signal: abort.signal })
      .then(setIdentity)
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [id, generation]);

  const name = identity?.name ?? decodeURIComponent(id.split('/').pop() ?? '');
  const Tab_ = tab.component;
  return (
    <>
      <PageHeader title={name} subtitle="Managed Identity" />
      <Toolbar aria-label="Identity actions">
        <Button onClick={() => setDeleting(true)} disabled={!identity}>
          Delete
        </Button>
        <Button onClick={reload}>Refresh</Button>
      </Toolbar>
      <TabList className={styles.tabs} selectedValue={tab.value} onTabSelect={(_, d) => navigate(`/resource${id}?tab=${String(d.value)}`, { replace: true })} aria-label="Identity sections">
        {IDENTITY_TABS.map((t) => (
          <Tab key={t.value} value={t.value}>
            {t.label}
          </Tab>
        ))}
      </TabList>
      <ErrorBar error={error} title="The identity could not be read" />
      {!identity && !error && <Spinner label="Loading…" />}
      {identity && (
        <div role="tabpanel" aria-label={tab.label}>
          <Tab_ identity={identity} reload={reload} />
        </div>
      )}
      {deleting && identity && (
        <DeleteIdentitiesDialog
          identities={[identity]}
          onDone={(deleted) => {
            setDeleting(false);
            if (deleted.length) navigate('/identities');
          }}
        />
      )}
    </>
  );
}
