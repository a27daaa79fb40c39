import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface KeyedCert {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
// 825 days is the longest leaf lifetime Apple platforms accept for TLS server certificates.
const LEAF_VALIDITY_DAYS = 825;
const ALWAYS_INCLUDED = ['127.0.0.1', '::1', 'localhost'];

/**
 * SAN entries as "ip:<canonical>" / "dns:<lowercase>", in order: the given hostnames first
 * (so the first one becomes the CN), then the loopback names.
 */
export function wantedSanEntries(hostnames: string[]): Set<string> {
  const entries = new Set<string>();
  for (const raw of [...hostnames, ...ALWAYS_INCLUDED]) {
    const host = raw.trim().replace(/^\[(.*)\]$/, '$1');
    if (host) entries.add(isIP(host) ? `ip:${canonicalIp(host)}` : `dns:${host.toLowerCase()}`);
  }
  return entries;
}

/** The SAN entries of an existing certificate, in the same form as wantedSanEntries. */
export function certSanEntries(certPem: string): Set<string> {
  const ext = forge.pki.certificateFromPem(certPem).getExtension('subjectAltName') as {
    altNames?: { type: number; value?: string; ip?: string }[];
  } | null;
  const entries = new Set<string>();
  for (const alt of ext?.altNames ?? []) {
    if (alt.type === 7 && alt.ip) entries.add(`ip:${canonicalIp(alt.ip)}`);
    else if (alt.type === 2 && alt.value) entries.add(`dns:${alt.value.toLowerCase()}`);
  }
  return entries;
}

export function createCa(): KeyedCert {
  const { publicKey, privateKey } = newKeyPair();
  const cert = newCertificate(publicKey, CA_VALIDITY_DAYS);
  const subject = [{ name: 'commonName', value: 'Amity Local CA' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { cert, key: privateKey };
}

export function createLeaf(ca: KeyedCert, sanEntries: Set<string>): KeyedCert {
  const { publicKey, privateKey } = newKeyPair();
  const cert = newCertificate(publicKey, LEAF_VALIDITY_DAYS);
  const altNames = [...sanEntries].map((entry) => {
    const value = entry.slice(entry.indexOf(':') + 1);
    return entry.startsWith('ip:') ? { type: 7, ip: value } : { type: 2, value };
  });
  cert.setSubject([{ name: 'commonName', value: altNames[0]?.ip ?? altNames[0]?.value ?? 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    // forge's `keyIdentifier: true` would use the leaf's own key, so pass the CA's explicitly.
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key: privateKey };
}

// Callers and forge spell IPv6 differently (zero compression, case), so compare a canonical form.
function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

function newKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey),
    privateKey: forge.pki.privateKeyFromPem(pair.privateKey),
  };
}

function newCertificate(publicKey: forge.pki.rsa.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  const serial = randomBytes(16);
  // Clear the sign bit so the DER INTEGER is positive; set the next so it has no leading zero byte.
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  cert.serialNumber = serial.toString('hex');
  const now = new Date();
  cert.validity.notBefore = now;
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
  return cert;
}
