import type { RunningServer } from './start.js';

/** What `amity server` prints: where it listens and how to sign in with the SDK and with az. */
export function signInHelp(server: RunningServer, dataDir: string): string {
  const b = server.bootstrapFile;
  const lines = [`Amity is listening on ${server.url} (public URL ${server.publicUrl})`, `  tenant        ${server.tenantId}`, `  subscription  ${server.subscriptionId}`];
  if (b) {
    lines.push(
      '',
      'First start: created the tenant, a subscription and an administrator service principal.',
      `  client id     ${b.clientId}`,
      `  client secret ${b.clientSecret}`,
      `This secret is shown once; it is also in ${dataDir}/bootstrap.json (mode 0600). Only its hash is stored.`,
    );
  } else {
    lines.push('', `Sign in with the administrator credentials in ${dataDir}/bootstrap.json (written at first start).`);
  }
  const clientId = b?.clientId ?? '<clientId>';
  const secret = b?.clientSecret ?? '<clientSecret>';
  lines.push('', `Portal: ${server.publicUrl}/ (sign in with a directory user that has a password; create one with 'amity ad user create')`);
  lines.push(
    '',
    `amity CLI (run here, or pass --data ${dataDir}: it finds this server's CA and administrator there):`,
    '  npx amity login',
    '  npx amity group create -n rg1 -l eastus && npx amity identity create -g rg1 -n id1',
  );
  if (server.caCertPath) {
    lines.push(
      '',
      'JavaScript SDK:',
      `  export NODE_EXTRA_CA_CERTS=${server.caCertPath}`,
      `  new ClientSecretCredential("${server.tenantId}", "${clientId}", "<secret>", { authorityHost: "${server.publicUrl}", disableInstanceDiscovery: true })`,
      `  new ManagedServiceIdentityClient(credential, "${server.subscriptionId}", { endpoint: "${server.publicUrl}", credentialScopes: ["${server.armEndpoint}.default"] })`,
      '',
      'Azure CLI (az):',
      `  export REQUESTS_CA_BUNDLE=${server.caBundlePath}`,
      `  az cloud register -n Amity --endpoint-resource-manager ${server.armEndpoint} --endpoint-active-directory ${server.publicUrl}/adfs \\`,
      `     --endpoint-active-directory-resource-id ${server.armEndpoint} --endpoint-active-directory-graph-resource-id ${server.publicUrl}/graph/`,
      `  az cloud update -n Amity --cloud-config '{"endpoints":{"microsoftGraphResourceId":"${server.publicUrl}/msgraph/"}}'   # for az ad (Graph)`,
      '  az cloud set -n Amity',
      `  az login --service-principal -u ${clientId} -p ${b ? secret : '<clientSecret>'} --tenant ${server.tenantId}`,
    );
  }
  return lines.join('\n');
}
