/**
 * TLS for the sandbox API. kubectl (client-go) sends a kubeconfig's credentials only to an
 * https server, so the sandbox serves TLS with its own certificate authority, generated
 * once per data directory and kept: `<dir>/tls/ca.crt`, `server.crt`, `server.key`. The
 * kubeconfig carries the CA, so clients verify the server as they would a real one.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  /** PEM of the sandbox's certificate authority (the kubeconfig's certificate-authority-data). */
  ca: string;
  cert: string;
  key: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function keyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privatePem: string } {
  // Node's native RSA key generation: node-forge's pure-JS one takes seconds.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: forge.pki.privateKeyFromPem(privatePem),
    privatePem,
  };
}

function certificate(subject: string, publicKey: forge.pki.PublicKey): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the first bit of the first byte clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + TEN_YEARS_MS);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  return cert;
}

function generate(): TlsMaterial {
  const caKeys = keyPair();
  const ca = certificate('splitscope-sandbox-ca', caKeys.publicKey);
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = keyPair();
  const server = certificate('splitscope-sandbox', serverKeys.publicKey);
  server.setIssuer(ca.subject.attributes);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());
  return { ca: forge.pki.certificateToPem(ca), cert: forge.pki.certificateToPem(server), key: serverKeys.privatePem };
}

/** The sandbox's TLS material in `<dir>/tls`, generated on first use. */
export function loadOrCreateTls(dir: string): TlsMaterial {
  const tlsDir = join(dir, 'tls');
  const files = { ca: join(tlsDir, 'ca.crt'), cert: join(tlsDir, 'server.crt'), key: join(tlsDir, 'server.key') };
  if (existsSync(files.ca) && existsSync(files.cert) && existsSync(files.key)) {
    return { ca: readFileSync(files.ca, 'utf8'), cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
  }
  const material = generate();
  mkdirSync(tlsDir, { recursive: true });
  writeFileSync(files.ca, material.ca);
  writeFileSync(files.cert, material.cert);
  writeFileSync(files.key, material.key, { mode: 0o600 });
  return material;
}
