import { makeStyles, Select, useId } from '@fluentui/react-components';
import { useSubscriptions } from '../state/subscriptions.js';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: '0.5rem' },
  label: { whiteSpace: 'nowrap' },
  select: { minWidth: '12rem', maxWidth: '22rem' },
});

/** The subscription every subscription-scoped page works in (a native select: keyboard and screen readers for free). */
export function SubscriptionPicker() {
  const styles = useStyles();
  const id = useId('subscription');
  const { subscriptions, selected, select, loading } = useSubscriptions();
  return (
    <div className={styles.root}>
      <label htmlFor={id} className={styles.label}>
        Subscription
      </label>
      <Select id={id} className={styles.select} value={selected?.subscriptionId ?? ''} disabled={loading || subscriptions.length === 0} onChange={(_, d) => select(d.value)}>
        {subscriptions.length === 0 && <option value="">{loading ? 'Loading…' : 'No subscriptions'}</option>}
        {subscriptions.map((s) => (
          <option key={s.subscriptionId} value={s.subscriptionId}>
            {s.displayName} ({s.subscriptionId.slice(0, 8)}…)
          </option>
        ))}
      </Select>
    </div>
  );
}
