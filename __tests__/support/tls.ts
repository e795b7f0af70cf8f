/**
 * A throw-away self-signed certificate for the loopback servers of the tests,
 * made with openssl. It names 127.0.0.1 and localhost, so a client that
 * trusts it (NODE_EXTRA_CA_CERTS) connects; one that does not is refused.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Certificate {
  key: string
  cert: string
}

let made: Certificate | undefined

export function selfSignedCertificate(): Certificate {
  if (made) return made
  const dir = mkdtempSync(join(tmpdir(), 'hss-gate-tls-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem')
      ],
      { stdio: 'ignore' }
    )
    made = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8')
    }
    return made
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
