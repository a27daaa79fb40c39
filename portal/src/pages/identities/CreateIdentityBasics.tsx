import { Button, Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import type { Location, ResourceGroup, Subscription } from '../../api/types.js';
import { GroupSelect, RegionSelect } from '../../components/LookupSelects.js';
import { TagsEditor } from '../../components/TagsEditor.js';
import type { CreateFormValue, FieldMessages } from './createForm.js';
import { NAME_MAX } from './namingRules.js';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  section: { margin: `${tokens.spacingVerticalS} 0 0`, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  inline: { alignSelf: 'flex-start' },
});

export interface CreateIdentityBasicsProps {
  value: CreateFormValue;
  onChange(patch: Partial<CreateFormValue>): void;
  subscriptions: Subscription[];
  groups: ResourceGroup[];
  locations: Location[];
  /** Client and server errors by field (shown next to it) and warnings. */
  errors: FieldMessages;
  warnings: FieldMessages;
  /** Show "required" errors of untouched fields (after Review was pressed). */
  showAll: boolean;
}

/**
 * The Basics step of the Create pane, presentational only (rendered by a component test too): project details
 * (subscription, resource group or "Create new"), instance details (region, name checked while typing), tags.
 */
export function CreateIdentityBasics({ value, onChange, subscriptions, groups, locations, errors, warnings, showAll }: CreateIdentityBasicsProps) {
  const styles = useStyles();
  const state = (field: keyof FieldMessages, touched: boolean) => {
    const error = touched || showAll ? errors[field] : undefined;
    if (error) return { validationState: 'error' as const, validationMessage: error };
    if (warnings[field]) return { validationState: 'warning' as const, validationMessage: warnings[field] };
    return {};
  };
  const creatingGroup = value.newResourceGroup !== undefined;
  return (
    <div className={styles.form}>
      <h2 className={styles.section}>Project details</h2>
      <Field label="Subscription" required {...state('subscriptionId', true)}>
        <Select value={value.subscriptionId} onChange={(_, d) => onChange({ subscriptionId: d.value, resourceGroup: '' })}>
          {subscriptions.map((s) => (
            <option key={s.subscriptionId} value={s.subscriptionId}>
              {s.displayName}
            </option>
          ))}
        </Select>
      </Field>
      {creatingGroup ? (
        <Field label="New resource group name" required {...state('resourceGroup', value.newResourceGroup !== '')}>
          <Input value={value.newResourceGroup} onChange={(_, d) => onChange({ newResourceGroup: d.value })} maxLength={90} />
        </Field>
      ) : (
        <Field label="Resource group" required {...state('resourceGroup', value.resourceGroup !== '')}>
          <GroupSelect groups={groups} value={value.resourceGroup} onChange={(resourceGroup) => onChange({ resourceGroup })} empty="Select a resource group" />
        </Field>
      )}
      <Button className={styles.inline} appearance="transparent" size="small" onClick={() => onChange(creatingGroup ? { newResourceGroup: undefined } : { newResourceGroup: '', resourceGroup: '' })}>
        {creatingGroup ? 'Use existing' : 'Create new'}
      </Button>

      <h2 className={styles.section}>Instance details</h2>
      <Field label="Region" required {...state('location', value.location !== '')}>
        <RegionSelect locations={locations} value={value.location} onChange={(location) => onChange({ location })} empty="Select a region" />
      </Field>
      <Field
        label="Name"
        required
        hint="3–128 characters: letters, numbers, hyphens and underscores, starting with a letter or number."
        {...state('name', value.name !== '')}
      >
        <Input value={value.name} onChange={(_, d) => onChange({ name: d.value })} maxLength={NAME_MAX + 10} />
      </Field>

      <h2 className={styles.section}>Tags</h2>
      <TagsEditor rows={value.tags} onChange={(tags) => onChange({ tags })} serverError={showAll ? errors.tags : undefined} />
    </div>
  );
}
