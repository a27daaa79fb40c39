import { Button, makeStyles, Tab, TabList, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion } from '../../api/arm.js';
import type { Subscription } from '../../api/types.js';
import { CopyField } from '../../components/CopyField.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { PageHeader } from '../../components/PageHeader.js';
import { navigate, useLocation } from '../../routing/router.js';
import { useSubscriptions } from '../../state/subscriptions.js';
import { AccessControl } from '../access/AccessControl.js';
import { subscriptionPath } from '../resourceGroups/resourceGroupLinks.js';

const useStyles = makeStyles({
  tabs: { margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalL}`, overflowX: 'auto' },
  links: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  fields: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '60rem', marginBottom: tokens.spacingVerticalL },
});

const TABS = [
  { value: 'overview', label: 'Overview' },
  { value: 'iam', label: 'Access control (IAM)' },
];

/** One subscription: its essentials, and Access control (IAM) at its scope. */
export function SubscriptionPage({ params }: { params: Record<string, string> }) {
  const styles = useStyles();
  const { subscriptionId } = params;
  const { query } = useLocation();
  const { select } = useSubscriptions();
  const tab = TABS.find((t) => t.value === query.get('tab')) ?? TABS[0];
  const [sub, setSub] = useState<Subscription>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    arm
      .get<Subscription>(withApiVersion(`/subscriptions/${subscriptionId}`, API_VERSIONS.subscriptions), { signal: abort.signal })
      .then(setSub)
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [subscriptionId]);

  return (
    <>
      <PageHeader title={sub?.displayName ?? subscriptionId} subtitle="Subscription" />
      <TabList className={styles.tabs} selectedValue={tab.value} onTabSelect={(_, d) => navigate(subscriptionPath(subscriptionId, String(d.value)), { replace: true })} aria-label="Subscription sections">
        {TABS.map((t) => (
          <Tab key={t.value} value={t.value}>
            {t.label}
          </Tab>
        ))}
      </TabList>
      <ErrorBar error={error} title="The subscription could not be read" />
      <div role="tabpanel" aria-label={tab.label}>
        {tab.value === 'iam' && <AccessControl scope={`/subscriptions/${subscriptionId}`} scopeTitle={`${sub?.displayName ?? subscriptionId} (subscription)`} />}
        {tab.value === 'overview' && sub && (
          <>
            <div className={styles.fields}>
              <CopyField label="Name" value={sub.displayName} />
              <CopyField label="Subscription ID" value={sub.subscriptionId} />
              <CopyField label="State" value={sub.state} />
              <CopyField label="Tenant ID" value={sub.tenantId ?? ''} />
            </div>
            <div className={styles.links}>
              {/* These pages show the selected subscription: choose this one first. */}
              {[
                ['/resourcegroups', 'Resource groups'],
                ['/identities', 'Managed identities'],
                ['/activitylog', 'Activity log'],
              ].map(([to, label]) => (
                <Button key={to} onClick={() => (select(subscriptionId), navigate(to))}>
                  {label}
                </Button>
              ))}
            </div>
          </>
        )}
      </div>
    </>
  );
}
