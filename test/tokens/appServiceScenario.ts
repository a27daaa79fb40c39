// Runs the unmodified ManagedIdentityCredential in App Service mode (IDENTITY_ENDPOINT + IDENTITY_HEADER in the
// environment) against a running Amity, and prints what it got as one JSON object. Env: AMITY_MI_CLIENT_ID,
// AMITY_MI_RESOURCE_ID, AMITY_MI_OBJECT_ID (a user-assigned identity of the host).
import { ManagedIdentityCredential } from '@azure/identity';

const scope = 'https://management.azure.com/.default';
const env = (n: string) => {
  const v = process.env[n];
  if (!v) throw new Error(`${n} is not set`);
  return v;
};

async function twice(credential: ManagedIdentityCredential) {
  const first = await credential.getToken(scope);
  const second = await credential.getToken(scope);
  return { token: first.token, expiresOnTimestamp: first.expiresOnTimestamp, sameSecond: second.token === first.token };
}

const result = {
  system: await twice(new ManagedIdentityCredential()),
  clientId: await twice(new ManagedIdentityCredential({ clientId: env('AMITY_MI_CLIENT_ID') })),
  resourceId: await twice(new ManagedIdentityCredential({ resourceId: env('AMITY_MI_RESOURCE_ID') })),
  objectId: await twice(new ManagedIdentityCredential({ objectId: env('AMITY_MI_OBJECT_ID') })),
};
console.log(JSON.stringify(result));
