import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';
import { certSanEntries, createCa, createLeaf, wantedSanEntries, type KeyedCert } from './tlsCertificates.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  caCertPath: string;
  caBundlePath: string;
}

const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export async function ensureLocalTls(dir: string, hostnames: string[]): Promise<TlsMaterial> {
  const root = path.resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
  const file = (name: string): string => path.join(root, name);

  const ca = await loadOrCreateCa(file('ca.crt'), file('ca.key'));
  const caPem = forge.pki.certificateToPem(ca.cert);

  const wanted = wantedSanEntries(hostnames);
  let leaf = await reusableLeaf(file('server.crt'), file('server.key'), caPem, wanted);
  if (!leaf) {
    const made = createLeaf(ca, wanted);
    leaf = { cert: forge.pki.certificateToPem(made.cert), key: forge.pki.privateKeyToPem(made.key) };
    await writeAtomic(file('server.key'), leaf.key, 0o600);
    await writeAtomic(file('server.crt'), leaf.cert, 0o600);
  }

  // Python (requests/az) replaces rather than extends its trust store via REQUESTS_CA_BUNDLE,
  // so the bundle must carry the public roots too or every non-Amity HTTPS call would fail.
  const system = await readFile(SYSTEM_CA_BUNDLE, 'utf8').catch(() => '');
  const bundle = system && !system.endsWith('\n') ? `${system}\n${caPem}` : system + caPem;
  await writeAtomic(file('ca-bundle.pem'), bundle, 0o644);

  return { cert: leaf.cert, key: leaf.key, caCertPath: file('ca.crt'), caBundlePath: file('ca-bundle.pem') };
}

async function loadOrCreateCa(certPath: string, keyPath: string): Promise<KeyedCert> {
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { cert: forge.pki.certificateFromPem(certPem), key: forge.pki.privateKeyFromPem(keyPem) };
  } catch {
    // Half a CA is useless: start over. Any old leaf then fails the issuer check below and is reissued.
  }
  const ca = createCa();
  await writeAtomic(keyPath, forge.pki.privateKeyToPem(ca.key), 0o600);
  await writeAtomic(certPath, forge.pki.certificateToPem(ca.cert), 0o644);
  return ca;
}

async function reusableLeaf(
  certPath: string,
  keyPath: string,
  caPem: string,
  wanted: Set<string>,
): Promise<{ cert: string; key: string } | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const leaf = new X509Certificate(cert);
    const ca = new X509Certificate(caPem);
    const fresh = Date.parse(leaf.validTo) - Date.now() >= RENEW_BEFORE_MS;
    const ours = leaf.checkIssued(ca) && leaf.verify(ca.publicKey) && leaf.checkPrivateKey(createPrivateKey(key));
    const have = certSanEntries(cert);
    const sameSans = have.size === wanted.size && [...wanted].every((entry) => have.has(entry));
    return fresh && ours && sameSans ? { cert, key } : undefined;
  } catch {
    return undefined; // missing or unparsable: reissue
  }
}

// Write-then-rename so a concurrently starting process never reads a half-written key or cert.
async function writeAtomic(target: string, data: string, mode: number): Promise<void> {
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode); // the umask may have trimmed the mode given to writeFile
  await rename(tmp, target);
}
