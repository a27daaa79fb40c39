import { Field, Input, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { API_VERSIONS, arm, withApiVersion } from '../../api/arm.js';
import { resourceGroupId } from '../../api/resourceIds.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';

/** Deleting a group deletes everything in it: as in Azure, the name must be typed to confirm. */
export function DeleteResourceGroupDialog({ subscriptionId, name, onClose }: { subscriptionId: string; name: string; onClose(deleted: boolean): void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function remove() {
    if (typed !== name) {
      setError(new Error('Type the resource group name to confirm.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await arm.delete(withApiVersion(resourceGroupId(subscriptionId, name), API_VERSIONS.resources));
      onClose(true);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog open title={`Delete ${name}?`} confirmLabel="Delete" busy={busy} error={error} onConfirm={() => void remove()} onCancel={() => onClose(false)}>
      <Text block>
        The resource group and every resource in it (managed identities, their federated credentials, virtual machines) will be deleted. This cannot be undone.
      </Text>
      <Field label="Type the resource group name to confirm" required>
        <Input value={typed} onChange={(_, d) => setTyped(d.value)} />
      </Field>
    </ConfirmDialog>
  );
}
