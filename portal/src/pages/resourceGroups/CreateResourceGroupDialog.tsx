import { Field, Input } from '@fluentui/react-components';
import { useState } from 'react';
import { API_VERSIONS, arm, withApiVersion } from '../../api/arm.js';
import { ApiError } from '../../api/http.js';
import { useLocations } from '../../api/lookups.js';
import { resourceGroupId } from '../../api/resourceIds.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { RegionSelect } from '../../components/LookupSelects.js';
import { checkResourceGroupName } from '../identities/namingRules.js';

/** Name and region, checked while typing (the same rules as the Create pane's "Create new"), then PUT. */
export function CreateResourceGroupDialog({ subscriptionId, onClose }: { subscriptionId: string; onClose(created: boolean): void }) {
  const { locations } = useLocations(subscriptionId);
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [nameServerError, setNameServerError] = useState<string>();
  const nameError = nameServerError ?? (name ? checkResourceGroupName(name).error : undefined);
  const region = location || locations[0]?.name || '';

  async function create() {
    const err = checkResourceGroupName(name).error;
    if (err || !region) {
      setNameServerError(err);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await arm.put(withApiVersion(resourceGroupId(subscriptionId, name), API_VERSIONS.resources), { location: region });
      onClose(true);
    } catch (e) {
      if (e instanceof ApiError && /name/i.test(`${e.target ?? ''} ${e.code}`)) setNameServerError(`${e.message} (${e.code})`);
      else setError(e);
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog open title="Create a resource group" confirmLabel="Create" busy={busy} error={error} onConfirm={() => void create()} onCancel={() => onClose(false)}>
      <Field label="Resource group name" required validationState={nameError ? 'error' : 'none'} validationMessage={nameError}>
        <Input value={name} onChange={(_, d) => (setName(d.value), setNameServerError(undefined))} />
      </Field>
      <Field label="Region" required>
        <RegionSelect locations={locations} value={region} onChange={setLocation} />
      </Field>
    </ConfirmDialog>
  );
}
