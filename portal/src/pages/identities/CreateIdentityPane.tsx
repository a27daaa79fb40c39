import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, tokens } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { API_VERSIONS, arm, withApiVersion } from '../../api/arm.js';
import { ApiError } from '../../api/http.js';
import { useLocations, useResourceGroups } from '../../api/lookups.js';
import { identityId, resourceGroupId } from '../../api/resourceIds.js';
import type { Identity } from '../../api/types.js';
import { ErrorBar } from '../../components/ErrorBar.js';
import { SidePane } from '../../components/SidePane.js';
import { rowsToTags } from '../../components/TagsEditor.js';
import { AppLink } from '../../routing/router.js';
import { useSubscriptions } from '../../state/subscriptions.js';
import { CreateIdentityBasics } from './CreateIdentityBasics.js';
import { emptyCreateForm, fieldOfServerError, targetGroup, validateCreateForm, type CreateFormValue, type FieldMessages } from './createForm.js';

const useStyles = makeStyles({
  summary: { display: 'grid', gridTemplateColumns: 'minmax(8rem, auto) minmax(0, 1fr)', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  detail: { margin: 0, overflowWrap: 'anywhere' },
  steps: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

type Step = 'basics' | 'review' | 'creating' | 'done';

/**
 * "Create User Assigned Managed Identity": Basics → Review + create → Create (the new resource group first when
 * asked, then the identity), with progress and the result. Server errors go next to the field they concern.
 */
export function CreateIdentityPane({ subscriptionId, onClose }: { subscriptionId: string; onClose(created: boolean): void }) {
  const styles = useStyles();
  const { subscriptions } = useSubscriptions();
  const [value, setValue] = useState<CreateFormValue>(() => emptyCreateForm(subscriptionId));
  const [step, setStep] = useState<Step>('basics');
  const [showAll, setShowAll] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldMessages>({});
  const [generalError, setGeneralError] = useState<unknown>();
  const [progress, setProgress] = useState<string>('');
  const [created, setCreated] = useState<Identity>();
  const [groupsGeneration, setGroupsGeneration] = useState(0);
  const { groups } = useResourceGroups(value.subscriptionId, groupsGeneration);
  const { locations } = useLocations(value.subscriptionId);

  const { errors, warnings } = useMemo(() => validateCreateForm(value), [value]);
  const shownErrors = { ...serverErrors, ...errors };
  const valid = Object.keys(errors).length === 0;

  const change = (patch: Partial<CreateFormValue>) => {
    setValue((v) => ({ ...v, ...patch }));
    // An edited field's server error no longer applies.
    setServerErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) delete next[(k === 'newResourceGroup' ? 'resourceGroup' : k) as keyof FieldMessages];
      return next;
    });
  };

  async function create() {
    setStep('creating');
    setGeneralError(undefined);
    setServerErrors({});
    const group = targetGroup(value);
    let request: 'resourceGroup' | 'identity' = 'resourceGroup';
    try {
      if (value.newResourceGroup !== undefined) {
        setProgress(`Creating resource group ${group}…`);
        await arm.put(withApiVersion(resourceGroupId(value.subscriptionId, group), API_VERSIONS.resources), { location: value.location });
      }
      request = 'identity';
      setProgress(`Creating managed identity ${value.name}…`);
      const identity = await arm.put<Identity>(withApiVersion(identityId(value.subscriptionId, group, value.name), API_VERSIONS.managedIdentity), {
        location: value.location,
        tags: rowsToTags(value.tags),
      });
      setCreated(identity);
      setStep('done');
    } catch (e) {
      const field = e instanceof ApiError ? fieldOfServerError(e.target ?? e.code, request) ?? fieldOfServerError(e.code, request) : undefined;
      if (field && e instanceof ApiError) setServerErrors({ [field]: `${e.message} (${e.code})` });
      else setGeneralError(e);
      // Once the new group exists, it is an existing one for the next try.
      if (request === 'identity' && value.newResourceGroup !== undefined) {
        setValue((v) => ({ ...v, resourceGroup: group, newResourceGroup: undefined }));
        setGroupsGeneration((g) => g + 1);
      }
      setStep('basics');
      setShowAll(true);
    }
  }

  const subscriptionName = subscriptions.find((s) => s.subscriptionId === value.subscriptionId)?.displayName ?? value.subscriptionId;
  const regionName = locations.find((l) => l.name === value.location)?.displayName ?? value.location;
  const tags = rowsToTags(value.tags);

  return (
    <SidePane
      title="Create User Assigned Managed Identity"
      locked={step === 'creating'}
      onClose={() => onClose(step === 'done')}
      footer={
        <>
          {step === 'basics' && (
            <Button
              appearance="primary"
              onClick={() => {
                setShowAll(true);
                if (valid) setStep('review');
              }}
            >
              Review + create
            </Button>
          )}
          {step === 'review' && (
            <>
              <Button appearance="primary" onClick={() => void create()}>
                Create
              </Button>
              <Button onClick={() => setStep('basics')}>Previous</Button>
            </>
          )}
          {step === 'done' && (
            <Button appearance="primary" onClick={() => onClose(true)}>
              Close
            </Button>
          )}
          {step !== 'done' && (
            <Button onClick={() => onClose(false)} disabled={step === 'creating'}>
              Cancel
            </Button>
          )}
        </>
      }
    >
      {step === 'basics' && (
        <>
          <ErrorBar error={generalError} title="The identity could not be created" />
          <CreateIdentityBasics value={value} onChange={change} subscriptions={subscriptions} groups={groups} locations={locations} errors={shownErrors} warnings={warnings} showAll={showAll} />
        </>
      )}
      {step === 'review' && (
        <section aria-labelledby="review-title">
          <h2 id="review-title">Review + create</h2>
          <dl className={styles.summary}>
            <dt className={styles.term}>Subscription</dt>
            <dd className={styles.detail}>{subscriptionName}</dd>
            <dt className={styles.term}>Resource group</dt>
            <dd className={styles.detail}>
              {targetGroup(value)}
              {value.newResourceGroup !== undefined ? ' (new)' : ''}
            </dd>
            <dt className={styles.term}>Region</dt>
            <dd className={styles.detail}>{regionName}</dd>
            <dt className={styles.term}>Name</dt>
            <dd className={styles.detail}>{value.name}</dd>
            <dt className={styles.term}>Tags</dt>
            <dd className={styles.detail}>{Object.keys(tags).length ? Object.entries(tags).map(([k, v]) => `${k}: ${v}`).join(', ') : 'None'}</dd>
          </dl>
          {warnings.name && (
            <MessageBar intent="warning">
              <MessageBarBody>{warnings.name}</MessageBarBody>
            </MessageBar>
          )}
        </section>
      )}
      {step === 'creating' && (
        <div className={styles.steps} role="status" aria-live="polite">
          <Spinner label={progress} labelPosition="after" />
        </div>
      )}
      {step === 'done' && created && (
        <MessageBar intent="success" role="status">
          <MessageBarBody>
            <MessageBarTitle>Deployment complete</MessageBarTitle>
            <Text>
              {created.name} was created in {targetGroup(value)}.{' '}
            </Text>
            <AppLink to={`/resource${created.id}`}>Go to resource</AppLink>
          </MessageBarBody>
        </MessageBar>
      )}
    </SidePane>
  );
}
