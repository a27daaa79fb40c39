import type { ComponentType } from 'react';
import { IdentitiesListPage } from './pages/identities/IdentitiesListPage.js';
import { IdentityPage } from './pages/identities/IdentityPage.js';
import { ActivityLogPage } from './pages/activity/ActivityLogPage.js';
import { ResourceGroupPage } from './pages/resourceGroups/ResourceGroupPage.js';
import { ResourceGroupsPage } from './pages/resourceGroups/ResourceGroupsPage.js';
import { SubscriptionPage } from './pages/subscriptions/SubscriptionPage.js';
import { SubscriptionsPage } from './pages/subscriptions/SubscriptionsPage.js';

/**
 * Every signed-in page: its path pattern (see matchPath), the component (given the path parameters), and, for
 * the left navigation, its label. Order matters: the first match wins. Add a page here and nowhere else.
 */
export interface RouteDef {
  path: string;
  component: ComponentType<{ params: Record<string, string> }>;
  /** Shown in the left navigation when set. */
  nav?: string;
  /** The navigation entry to highlight for this route (defaults to its own path). */
  section?: string;
}

export const ROUTES: RouteDef[] = [
  { path: '/identities', component: IdentitiesListPage, nav: 'Managed Identities' },
  // A resource by its ARM id, e.g. /resource/subscriptions/…/userAssignedIdentities/name?tab=overview
  { path: '/resource/:id*', component: IdentityPage, section: '/identities' },
  { path: '/resourcegroups', component: ResourceGroupsPage, nav: 'Resource groups' },
  { path: '/subscriptions/:subscriptionId/resourcegroups/:name', component: ResourceGroupPage, section: '/resourcegroups' },
  { path: '/subscriptions', component: SubscriptionsPage, nav: 'Subscriptions' },
  { path: '/subscriptions/:subscriptionId', component: SubscriptionPage, section: '/subscriptions' },
  { path: '/activitylog', component: ActivityLogPage, nav: 'Activity log' },
];

export const DEFAULT_PATH = '/identities';
