import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { API_VERSIONS, arm, withApiVersion } from '../../api/arm.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { AssociatedResourcesNotice } from '../associated/AssociatedResourcesNotice.js';

const useStyles = makeStyles({
  list: { maxHeight: '12rem', overflowY: 'auto', margin: `${tokens.spacingVerticalS} 0` },
});

/** How many deletes run at once: a handful keeps a large selection quick without flooding the server. */
const PARALLEL = 4;

/**
 * Confirms, then deletes the given identities (each a DELETE through the proxy) and reports which went; the ones
 * that failed stay listed with the error. Deleting does not remove references from hosts using the identity.
 */
export function DeleteIdentitiesDialog({ identities, onDone }: { identities: { id: string; name: string }[]; onDone(deletedIds: string[]): void }) {
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [deleted, setDeleted] = useState<string[]>([]);

  async function run() {
    setBusy(true);
    setError(undefined);
    const done: string[] = [...deleted];
    const failures: string[] = [];
    const queue = identities.filter((i) => !done.includes(i.id));
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          try {
            await arm.delete(withApiVersion(item.id, API_VERSIONS.managedIdentity));
            done.push(item.id);
          } catch (e) {
            failures.push(`${item.name}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }),
    );
    setDeleted(done);
    setBusy(false);
    if (failures.length === 0) onDone(done);
    else setError(new Error(`${failures.length} could not be deleted. ${failures.join(' ')}`));
  }

  const one = identities.length === 1;
  return (
    <ConfirmDialog
      open
      title={one ? `Delete ${identities[0].name}?` : `Delete ${identities.length} managed identities?`}
      confirmLabel="Delete"
      busy={busy}
      error={error}
      onConfirm={() => void run()}
      onCancel={() => onDone(deleted)}
    >
      <Text block>
        {one ? 'This managed identity' : 'These managed identities'}, {one ? 'its' : 'their'} federated credentials and role assignments will be deleted. Resources
        using {one ? 'it' : 'them'} keep a reference that no longer works.
      </Text>
      <ul className={styles.list} aria-label="Identities to delete">
        {identities.map((i) => (
          <li key={i.id}>
            {i.name}
            {deleted.includes(i.id) ? ' (deleted)' : ''}
          </li>
        ))}
      </ul>
      <AssociatedResourcesNotice identities={identities} />
    </ConfirmDialog>
  );
}
