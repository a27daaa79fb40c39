import { Button, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { ApiError } from '../../api/http.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { SidePane } from '../../components/SidePane.js';
import { putCredential, type FederatedCredential } from './federatedApi.js';
import { FederatedCredentialFields } from './FederatedCredentialFields.js';
import { emptyFederatedForm, federatedCredentialBody, fieldOfFederatedError, validateFederatedForm, type FederatedErrors, type FederatedField, type FederatedForm } from './federatedCredentialForm.js';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/**
 * "Add federated credential": a scenario (GitHub Actions, Kubernetes, other issuer) whose few fields make the issuer
 * and subject, shown as they are built; then name and audience. Rules are checked while typing (a field's message
 * shows once it was edited, or all of them after Add), and the server's errors go next to the field they concern.
 */
export function AddFederatedCredentialPane({ identityId, existing, onClose }: { identityId: string; existing: FederatedCredential[]; onClose(added: boolean): void }) {
  const styles = useStyles();
  const [form, setForm] = useState<FederatedForm>(() => emptyFederatedForm());
  const [touched, setTouched] = useState<Set<FederatedField>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<FederatedErrors>({});
  const [error, setError] = useState<unknown>();

  const errors = useMemo(
    () =>
      validateFederatedForm(
        form,
        existing.map((c) => c.name),
        existing.map((c) => ({ issuer: c.properties.issuer, subject: c.properties.subject })),
      ),
    [form, existing],
  );
  const shownErrors: FederatedErrors = {};
  for (const f of Object.keys({ ...errors, ...serverErrors }) as FederatedField[]) {
    const message = serverErrors[f] ?? (showAll || touched.has(f) ? errors[f] : undefined);
    if (message) shownErrors[f] = message;
  }

  const change = (patch: Partial<FederatedForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setTouched((t) => new Set([...t, ...(Object.keys(patch) as FederatedField[])]));
    setServerErrors({});
  };

  async function add() {
    setShowAll(true);
    if (Object.keys(errors).length) return;
    setBusy(true);
    setError(undefined);
    try {
      await putCredential(identityId, form.name, federatedCredentialBody(form));
      onClose(true);
    } catch (e) {
      const field = e instanceof ApiError ? fieldOfFederatedError(form, e.message) : undefined;
      if (field && e instanceof ApiError) setServerErrors({ [field]: `${e.message} (${e.code})` });
      else setError(e);
      setBusy(false);
    }
  }

  return (
    <SidePane
      title="Add federated credential"
      locked={busy}
      onClose={() => onClose(false)}
      footer={
        <>
          <Button appearance="primary" onClick={() => void add()} disabled={busy}>
            {busy ? <Spinner size="tiny" label="Adding…" /> : 'Add'}
          </Button>
          <Button onClick={() => onClose(false)} disabled={busy}>
            Cancel
          </Button>
        </>
      }
    >
      <form
        className={styles.form}
        aria-label="Add federated credential"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <FederatedCredentialFields form={form} onChange={change} errors={shownErrors} />
        <ErrorBar error={error} title="The credential could not be added" />
        {/* Enter in a field submits; the visible buttons are in the footer. */}
        <button type="submit" hidden />
      </form>
    </SidePane>
  );
}
