import { Field, Input, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { GITHUB_ENTITIES, issuerAndSubject, SCENARIOS, type FederatedErrors, type FederatedField, type FederatedForm, type GitHubEntity, type Scenario } from './federatedCredentialForm.js';

const useStyles = makeStyles({
  section: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalM} 0 0` },
  muted: { color: tokens.colorNeutralForeground3 },
});

const ENTITY_LABEL: Record<GitHubEntity, string> = { environment: 'Environment', branch: 'Branch', tag: 'Tag', pullRequest: '' };

export interface FederatedCredentialFieldsProps {
  form: FederatedForm;
  onChange(patch: Partial<FederatedForm>): void;
  /** The messages to show now, by field (the pane decides which: touched fields, or all after Add, and the server's). */
  errors: FederatedErrors;
}

/**
 * The fields of "Add federated credential": the scenario, its own fields, the issuer and subject they make (read
 * only, updated while typing), then name and audience. Each control is labelled; messages sit under their field.
 */
export function FederatedCredentialFields({ form, onChange, errors }: FederatedCredentialFieldsProps) {
  const styles = useStyles();
  const { issuer, subject } = issuerAndSubject(form);
  const change = onChange;
  const shown = (f: FederatedField) => errors[f];

  const text = (field: FederatedField & keyof FederatedForm, label: string, opts: { hint?: string; placeholder?: string; required?: boolean } = {}) => (
    <Field label={label} required={opts.required ?? true} hint={opts.hint} validationState={shown(field) ? 'error' : 'none'} validationMessage={shown(field)}>
      <Input value={form[field]} placeholder={opts.placeholder} onChange={(_, d) => change({ [field]: d.value })} />
    </Field>
  );

  return (
    <>
      <Text className={styles.muted}>
        A workload outside Amity that presents a token from this issuer, with this subject and audience, can exchange it for a token of this managed identity.
      </Text>
      <Field label="Federated credential scenario" required>
        <Select value={form.scenario} onChange={(_, d) => change({ scenario: d.value as Scenario })}>
          {SCENARIOS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </Select>
      </Field>

      <h2 className={styles.section}>Connect your account</h2>
      {form.scenario === 'github' && (
        <>
          {text('organization', 'Organization', { placeholder: 'contoso' })}
          {text('repository', 'Repository', { placeholder: 'my-app' })}
          <Field label="Entity" required>
            <Select value={form.entity} onChange={(_, d) => change({ entity: d.value as GitHubEntity })}>
              {GITHUB_ENTITIES.map((e) => (
                <option key={e.value} value={e.value}>
                  {e.label}
                </option>
              ))}
            </Select>
          </Field>
          {form.entity !== 'pullRequest' && text('entityValue', ENTITY_LABEL[form.entity], { placeholder: form.entity === 'environment' ? 'production' : form.entity === 'branch' ? 'main' : 'v1.0.0' })}
        </>
      )}
      {form.scenario === 'kubernetes' && (
        <>
          {text('issuerUrl', 'Cluster issuer URL', { placeholder: 'https://oidc.example.com/cluster-id/', hint: "The cluster's service account issuer (its OIDC discovery URL)." })}
          {text('namespace', 'Namespace', { placeholder: 'default' })}
          {text('serviceAccount', 'Service account', { placeholder: 'workload-sa' })}
        </>
      )}
      {form.scenario === 'other' && (
        <>
          {text('issuer', 'Issuer', { placeholder: 'https://issuer.example.com', hint: 'The https URL of the OpenID Connect issuer.' })}
          {text('subject', 'Subject identifier', { hint: "The token's sub claim, exactly." })}
        </>
      )}
      {form.scenario !== 'other' && (
        <>
          <Field label="Issuer" hint="Set by the scenario.">
            <Input readOnly value={issuer} />
          </Field>
          <Field label="Subject identifier" hint="Built from the fields above.">
            <Input readOnly value={subject} />
          </Field>
        </>
      )}

      <h2 className={styles.section}>Credential details</h2>
      {text('name', 'Name', { hint: '3–120 characters: letters, numbers, hyphens and underscores, starting with a letter or a number. It cannot be changed later.' })}
      {text('audience', 'Audience', { hint: 'The aud claim of the external token; keep the default unless the issuer sets another.' })}
    </>
  );
}
