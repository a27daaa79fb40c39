import { Button, Spinner } from '@fluentui/react-components';
import { useState } from 'react';
import { API_VERSIONS, withApiVersion } from '../../api/arm.js';
import { useArmGet } from '../../api/useArmGet.js';
import type { Identity } from '../../api/types.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { TabbedPage } from '../../components/TabbedPage.js';
import { navigate, useLocation } from '../../routing/router.js';
import { DeleteIdentitiesDialog } from './DeleteIdentitiesDialog.js';
import { IDENTITY_TABS } from './identityTabs.js';

/** One user-assigned identity by its ARM id: toolbar (Delete, Refresh), then tabs (Overview first). */
export function IdentityPage({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const { query } = useLocation();
  const tab = IDENTITY_TABS.find((t) => t.value === query.get('tab')) ?? IDENTITY_TABS[0];
  const { value: identity, error, reload } = useArmGet<Identity>(withApiVersion(id, API_VERSIONS.managedIdentity));
  const [deleting, setDeleting] = useState(false);

  const name = identity?.name ?? decodeURIComponent(id.split('/').pop() ?? '');
  const Tab_ = tab.component;
  return (
    <TabbedPage
      title={name}
      subtitle="Managed Identity"
      actionsLabel="Identity actions"
      actions={
        <>
          <Button onClick={() => setDeleting(true)} disabled={!identity}>
            Delete
          </Button>
          <Button onClick={reload}>Refresh</Button>
        </>
      }
      tabs={IDENTITY_TABS}
      selected={tab.value}
      onTab={(value) => navigate(`/resource${id}?tab=${value}`, { replace: true })}
      tabsLabel="Identity sections"
    >
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
    </TabbedPage>
  );
}
