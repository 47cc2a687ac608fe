/**
 * A small CA for the admission webhook when cert-manager is not used (docs/adr: webhook TLS).
 * ECDSA P-256 keys, made with @peculiar/x509 over Node's WebCrypto (Node has no X.509
 * generator of its own). The CA lives 5 years, serving certificates 1 year; both are renewed
 * once two thirds of their life has passed. While a new CA takes over, the caBundle carries the
 * old and the new CA, so certificates of either verify until the old one expires.
 */
// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect
// metadata polyfill loaded first (its README: import "reflect-metadata").
import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;
export const CA_VALIDITY_MS = 5 * 365 * DAY;
export const SERVING_VALIDITY_MS = 365 * DAY;

export interface TlsMaterial {
  /** CA certificate(s), PEM; the newest first (the caBundle). */
  caBundle: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), ALG, true, ['sign']);
}

function serial(): string {
  // Positive, 16 bytes of randomness (RFC 5280: at most 20 octets).
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f;
  return Buffer.from(b).toString('hex');
}

export async function createCa(
  now: number,
  commonName: string,
): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + CA_VALIDITY_MS),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKey(keys.privateKey) };
}

export async function createServingCert(
  now: number,
  ca: { cert: string; key: string },
  hosts: readonly string[],
): Promise<{ cert: string; key: string }> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${hosts[0] ?? 'gms-operator-webhook'}`,
    issuer: caCert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(Math.min(now + SERVING_VALIDITY_MS, caCert.notAfter.getTime())),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKey(keys.privateKey) };
}

/** True once two thirds of the certificate's life have passed (or it is unreadable). */
export function needsRenewal(pem: string | undefined, now: number): boolean {
  if (!pem) return true;
  try {
    const c = new NodeX509(pem);
    const from = Date.parse(c.validFrom);
    const to = Date.parse(c.validTo);
    return now >= from + ((to - from) * 2) / 3;
  } catch {
    return true;
  }
}

/** Whether the certificate names every host (DNS or IP SAN). */
export function coversHosts(pem: string | undefined, hosts: readonly string[]): boolean {
  if (!pem) return false;
  try {
    const c = new NodeX509(pem);
    return hosts.every((h) =>
      isIP(h) ? c.checkIP(h) !== undefined : c.checkHost(h, { wildcards: false }) !== undefined,
    );
  } catch {
    return false;
  }
}

/** Whether cert was signed by the CA in caPem. */
export function signedBy(certPem: string | undefined, caPem: string | undefined): boolean {
  if (!certPem || !caPem) return false;
  try {
    return new NodeX509(certPem).verify(new NodeX509(caPem).publicKey);
  } catch {
    return false;
  }
}

/** Certificates of a PEM bundle that are not expired at now. */
export function unexpired(bundle: string, now: number): string[] {
  const out: string[] = [];
  for (const m of bundle.matchAll(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  )) {
    try {
      const c = new NodeX509(m[0]);
      if (Date.parse(c.validTo) > now) out.push(`${m[0]}\n`);
    } catch {
      // drop unreadable entries
    }
  }
  return out;
}
