import type { IdentityTabProps } from '../identities/identityTabs.js';
import { AccessControl } from './AccessControl.js';

/** The identity page's "Access control (IAM)" tab: IAM at the identity's scope. */
export function IdentityAccessTab({ identity }: IdentityTabProps) {
  return <AccessControl scope={identity.id} scopeTitle={`${identity.name} (managed identity)`} />;
}
