import { Button, makeStyles, mergeClasses, Spinner, TableCell, TableRow, Text, Toolbar, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { ListTable } from '../../components/ListTable.js';
import type { IdentityTabProps } from '../identities/identityTabs.js';
import { AddFederatedCredentialPane } from './AddFederatedCredentialPane.js';
import { deleteCredential, listCredentials, type FederatedCredential } from './federatedApi.js';
import { describeCredential, MAX_CREDENTIALS } from './federatedCredentialForm.js';

const useStyles = makeStyles({
  intro: { display: 'block', maxWidth: '60rem', marginBottom: tokens.spacingVerticalM, color: tokens.colorNeutralForeground2 },
  tableTop: { marginTop: tokens.spacingVerticalM },
  wrap: { overflowWrap: 'anywhere' },
  hideNarrow: { '@media (max-width: 720px)': { display: 'none' } },
  footer: { marginTop: tokens.spacingVerticalM },
});

/** The identity's federated credentials: list, Add (the scenario pane), Delete (confirmed). */
export function FederatedCredentialsTab({ identity }: IdentityTabProps) {
  const styles = useStyles();
  const [items, setItems] = useState<FederatedCredential[]>();
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<FederatedCredential>();
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const abort = new AbortController();
    setError(undefined);
    listCredentials(identity.id, abort.signal)
      .then(setItems)
      .catch((e: unknown) => !abort.signal.aborted && setError(e));
    return () => abort.abort();
  }, [identity.id, generation]);

  async function remove(c: FederatedCredential) {
    setDeleteBusy(true);
    setDeleteError(undefined);
    try {
      await deleteCredential(c.id);
      setDeleting(undefined);
      reload();
    } catch (e) {
      setDeleteError(e);
    } finally {
      setDeleteBusy(false);
    }
  }

  const full = (items?.length ?? 0) >= MAX_CREDENTIALS;
  return (
    <>
      <Text className={styles.intro}>
        Federated credentials let software outside Amity (a GitHub Actions workflow, a Kubernetes service account, any OpenID Connect issuer) use this identity
        without a secret: it exchanges its own token for one of this identity.
      </Text>
      <Toolbar aria-label="Federated credential actions">
        <Button appearance="primary" onClick={() => setAdding(true)} disabled={!items || full}>
          Add credential
        </Button>
        <Button onClick={reload}>Refresh</Button>
      </Toolbar>
      <ErrorBar error={error} title="The federated credentials could not be listed" />
      {!items && !error && <Spinner size="small" label="Loading…" />}
      {items && items.length === 0 && <Text className={styles.footer}>No federated credentials yet.</Text>}
      {items && items.length > 0 && (
        <ListTable label="Federated credentials" columns={['Name', 'Scenario', { label: 'Issuer', className: styles.hideNarrow }, 'Subject identifier', { label: 'Audience', className: styles.hideNarrow }, 'Actions']} className={styles.tableTop}>
          {items.map((c) => (
            <TableRow key={c.id}>
              <TableCell>{c.name}</TableCell>
              <TableCell>{describeCredential(c.properties.issuer, c.properties.subject)}</TableCell>
              <TableCell className={mergeClasses(styles.wrap, styles.hideNarrow)}>{c.properties.issuer}</TableCell>
              <TableCell className={styles.wrap}>
                <code>{c.properties.subject ?? ''}</code>
              </TableCell>
              <TableCell className={mergeClasses(styles.wrap, styles.hideNarrow)}>{c.properties.audiences.join(', ')}</TableCell>
              <TableCell>
                <Button size="small" aria-label={`Delete ${c.name}`} onClick={() => (setDeleteError(undefined), setDeleting(c))}>
                  Delete
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </ListTable>
      )}
      {full && <Text className={styles.footer}>This identity has the maximum of {MAX_CREDENTIALS} federated credentials.</Text>}

      {adding && items && (
        <AddFederatedCredentialPane
          identityId={identity.id}
          existing={items}
          onClose={(added) => {
            setAdding(false);
            if (added) reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          open
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          busy={deleteBusy}
          error={deleteError}
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(undefined)}
        >
          <Text block>
            Workloads using this credential (subject <code>{deleting.properties.subject}</code>) will no longer be able to get tokens for {identity.name}.
          </Text>
        </ConfirmDialog>
      )}
    </>
  );
}
