import { Button, makeStyles, MessageBar, MessageBarBody, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion } from '../../api/arm.js';
import { parseResourceId } from '../../api/resourceIds.js';
import { CopyField } from '../../components/CopyField.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { rowsToTags, tagRowsError, TagsEditor, tagsToRows, type TagRow } from '../../components/TagsEditor.js';
import type { IdentityTabProps } from './identityTabs.js';

const useStyles = makeStyles({
  fields: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '60rem' },
  section: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalXL} 0 ${tokens.spacingVerticalS}` },
  tags: { maxWidth: '40rem', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
});

/** Essentials, each copyable, and the tags, editable (PATCH with the new tags). */
export function IdentityOverview({ identity, reload }: IdentityTabProps) {
  const styles = useStyles();
  const parts = parseResourceId(identity.id);
  const [rows, setRows] = useState<TagRow[]>(() => tagsToRows(identity.tags));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setRows(tagsToRows(identity.tags)), [identity]);

  const original = JSON.stringify(identity.tags ?? {});
  const dirty = JSON.stringify(rowsToTags(rows)) !== original;
  const invalid = tagRowsError(rows);

  async function save() {
    setSaving(true);
    setError(undefined);
    setSaved(false);
    try {
      await arm.patch(withApiVersion(identity.id, API_VERSIONS.managedIdentity), { tags: rowsToTags(rows) });
      setSaved(true);
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <h2 className={styles.section}>Essentials</h2>
      <div className={styles.fields}>
        <CopyField label="Name" value={identity.name} />
        <CopyField label="Resource group" value={parts.resourceGroup ?? ''} />
        <CopyField label="Location" value={identity.location} />
        <CopyField label="Subscription ID" value={parts.subscriptionId ?? ''} />
        <CopyField label="Client ID" value={identity.properties.clientId} />
        <CopyField label="Object (principal) ID" value={identity.properties.principalId} />
        <CopyField label="Tenant ID" value={identity.properties.tenantId} />
        <CopyField label="Resource ID" value={identity.id} />
      </div>
      <h2 className={styles.section}>Tags</h2>
      <div className={styles.tags}>
        <TagsEditor rows={rows} onChange={(r) => (setRows(r), setSaved(false))} />
        <ErrorBar error={error} title="The tags could not be saved" />
        {saved && (
          <MessageBar intent="success" role="status">
            <MessageBarBody>Tags saved.</MessageBarBody>
          </MessageBar>
        )}
        <div className={styles.actions}>
          <Button appearance="primary" disabled={!dirty || !!invalid || saving} onClick={() => void save()}>
            {saving ? 'Saving…' : 'Save tags'}
          </Button>
          <Button disabled={!dirty || saving} onClick={() => setRows(tagsToRows(identity.tags))}>
            Discard
          </Button>
        </div>
      </div>
    </>
  );
}
