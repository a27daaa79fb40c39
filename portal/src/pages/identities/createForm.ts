import { tagRowsError, type TagRow } from '../../components/TagsEditor.js';
import { checkIdentityName, checkResourceGroupName } from './namingRules.js';

/** The Create pane's state and its checks (pure: unit-tested without a browser). */
export interface CreateFormValue {
  subscriptionId: string;
  /** An existing group's name, when not creating a new one. */
  resourceGroup: string;
  /** Set while "Create new" is chosen: the new group's name. */
  newResourceGroup?: string;
  location: string;
  name: string;
  tags: TagRow[];
}

export type CreateField = 'subscriptionId' | 'resourceGroup' | 'location' | 'name' | 'tags';
export type FieldMessages = Partial<Record<CreateField, string>>;

export function emptyCreateForm(subscriptionId: string): CreateFormValue {
  return { subscriptionId, resourceGroup: '', location: '', name: '', tags: [] };
}

export function validateCreateForm(v: CreateFormValue): { errors: FieldMessages; warnings: FieldMessages } {
  const errors: FieldMessages = {};
  const warnings: FieldMessages = {};
  if (!v.subscriptionId) errors.subscriptionId = 'Choose a subscription.';
  if (v.newResourceGroup !== undefined) {
    const e = checkResourceGroupName(v.newResourceGroup).error;
    if (e) errors.resourceGroup = e;
  } else if (!v.resourceGroup) errors.resourceGroup = 'Choose a resource group, or create a new one.';
  if (!v.location) errors.location = 'Choose a region.';
  const name = checkIdentityName(v.name);
  if (name.error) errors.name = name.error;
  if (name.warning) warnings.name = name.warning;
  const tags = tagRowsError(v.tags);
  if (tags) errors.tags = tags;
  return { errors, warnings };
}

/** The group the identity goes into (new or existing). */
export function targetGroup(v: CreateFormValue): string {
  return v.newResourceGroup ?? v.resourceGroup;
}

/**
 * Which field a server error concerns, by its ARM error code (and which request failed), so the pane can show it
 * next to that field; undefined means a general error.
 */
export function fieldOfServerError(code: string, request: 'resourceGroup' | 'identity'): CreateField | undefined {
  const c = code.toLowerCase();
  if (request === 'resourceGroup') {
    if (c.includes('location')) return 'location';
    if (c.startsWith('invalidtag')) return 'tags';
    return 'resourceGroup';
  }
  if (c === 'invalidresourcename' || c === 'invalidname') return 'name';
  if (c.startsWith('resourcegroup')) return 'resourceGroup';
  if (c.includes('location')) return 'location';
  if (c.startsWith('invalidtag')) return 'tags';
  if (c === 'subscriptionnotfound' || c === 'invalidsubscriptionid') return 'subscriptionId';
  return undefined;
}
