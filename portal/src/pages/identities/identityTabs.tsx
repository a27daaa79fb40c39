import type { ComponentType } from 'react';
import type { Identity } from '../../api/types.js';
import { IdentityAccessTab } from '../access/IdentityAccessTab.js';
import { AssociatedResourcesTab } from '../associated/AssociatedResourcesTab.js';
import { FederatedCredentialsTab } from '../federated/FederatedCredentialsTab.js';
import { IdentityOverview } from './IdentityOverview.js';

/** What every tab of the identity page gets: the identity as last read, and a way to read it again after a change. */
export interface IdentityTabProps {
  identity: Identity;
  reload(): void;
}

export interface IdentityTab {
  /** In the URL: /resource<id>?tab=<value>. */
  value: string;
  label: string;
  component: ComponentType<IdentityTabProps>;
}

/** The identity page's tabs, in order. */
export const IDENTITY_TABS: IdentityTab[] = [
  { value: 'overview', label: 'Overview', component: IdentityOverview },
  { value: 'federated', label: 'Federated credentials', component: FederatedCredentialsTab },
  { value: 'associated', label: 'Associated resources', component: AssociatedResourcesTab },
  { value: 'iam', label: 'Access control (IAM)', component: IdentityAccessTab },
];
