// Runs the unmodified ManagedIdentityCredential against `amity agent` (AZURE_POD_IDENTITY_AUTHORITY_HOST) in its
// own process and prints what it saw as one JSON line; agent tests assert on it. Env:
//   AGENT_IDENTITIES  JSON [{ "label": "...", "options": {} | {"clientId"} | {"resourceId"} | {"objectId"} }]
//   AGENT_SCOPE       default https://management.azure.com/.default
//   AGENT_BLOB_URL    when set: also create a container, upload and download a blob there with @azure/storage-blob
import { ManagedIdentityCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { report } from '../support/sdkScenarioEnv.js';

interface Wanted {
  label: string;
  options: Record<string, string>;
}

report(async () => {
  const identities: Wanted[] = JSON.parse(process.env.AGENT_IDENTITIES ?? '[]');
  const scope = process.env.AGENT_SCOPE ?? 'https://management.azure.com/.default';
  const tokens: Record<string, { first: string; second: string; expiresOnTimestamp: number }> = {};
  const errors: Record<string, string> = {};
  for (const w of identities) {
    const credential = Object.keys(w.options).length ? new ManagedIdentityCredential(w.options as { clientId: string }) : new ManagedIdentityCredential();
    try {
      const first = await credential.getToken(scope);
      // A new credential for the same identity: MSAL's managed-identity cache is per process, so this comes from it.
      const again = Object.keys(w.options).length ? new ManagedIdentityCredential(w.options as { clientId: string }) : new ManagedIdentityCredential();
      const second = await again.getToken(scope);
      tokens[w.label] = { first: first.token, second: second.token, expiresOnTimestamp: first.expiresOnTimestamp };
    } catch (e) {
      errors[w.label] = e instanceof Error ? e.message : String(e);
    }
  }
  let blob: Record<string, unknown> | undefined;
  if (process.env.AGENT_BLOB_URL) {
    const service = new BlobServiceClient(process.env.AGENT_BLOB_URL, new ManagedIdentityCredential());
    const container = service.getContainerClient(`agent-${Date.now()}`);
    await container.create();
    const content = `written through amity agent at ${new Date().toISOString()}`;
    const block = container.getBlockBlobClient('hello.txt');
    await block.upload(content, Buffer.byteLength(content));
    const downloaded = await block.downloadToBuffer();
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    blob = { container: container.containerName, content, downloaded: downloaded.toString('utf8'), names };
  }
  return { tokens, errors, blob };
});
