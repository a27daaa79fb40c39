/** The ARM shapes the pages read (only the fields they use). */

export type Tags = Record<string, string>;

export interface Identity {
  id: string;
  name: string;
  type: string;
  location: string;
  tags?: Tags;
  properties: { tenantId: string; principalId: string; clientId: string };
}

export interface ResourceGroup {
  id: string;
  name: string;
  location: string;
  tags?: Tags;
  properties?: { provisioningState?: string };
}

export interface Subscription {
  id: string;
  subscriptionId: string;
  displayName: string;
  state: string;
  tenantId?: string;
}

export interface Location {
  name: string;
  displayName: string;
  regionalDisplayName?: string;
  metadata?: { regionType?: string; geography?: string };
}
