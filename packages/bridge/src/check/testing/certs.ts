import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Throwaway certificates for the TLS tests, made with the openssl CLI at test time: nothing
 * secret or expiring is committed. Only the check's tests use this.
 */

export interface TestCert {
  key: string;
  cert: string;
}

export interface CertOptions {
  /** Subject common name, e.g. `localhost`. */
  cn: string;
  /** subjectAltName, e.g. `DNS:localhost,IP:127.0.0.1`. */
  san: string;
  /** Valid for one day in January 2020 only. */
  expired?: boolean;
}

/** A self-signed certificate (usable as its own CA) and its key. */
export function makeCert(options: CertOptions): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-check-cert-'));
  const file = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const subject = ['-subj', `/CN=${options.cn}`, '-addext', `subjectAltName=${options.san}`];
    if (!options.expired) {
      run([
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        ...subject,
        '-keyout',
        file('key.pem'),
        '-out',
        file('cert.pem'),
      ]);
    } else {
      // `req -x509` refuses dates in the past; `ca -selfsign` takes explicit start and end dates.
      run([
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        ...subject,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-keyout',
        file('key.pem'),
        '-out',
        file('req.csr'),
      ]);
      writeFileSync(file('index.txt'), '');
      writeFileSync(file('serial'), '01\n');
      writeFileSync(
        file('ca.cnf'),
        [
          '[ca]',
          'default_ca = test_ca',
          '[test_ca]',
          `database = ${file('index.txt')}`,
          `new_certs_dir = ${dir}`,
          `serial = ${file('serial')}`,
          'default_md = sha256',
          'policy = any_policy',
          'copy_extensions = copy',
          'unique_subject = no',
          '[any_policy]',
          'commonName = supplied',
          '',
        ].join('\n'),
      );
      run([
        'ca',
        '-batch',
        '-notext',
        '-selfsign',
        '-config',
        file('ca.cnf'),
        '-keyfile',
        file('key.pem'),
        '-in',
        file('req.csr'),
        '-startdate',
        '20200101000000Z',
        '-enddate',
        '20200102000000Z',
        '-out',
        file('cert.pem'),
      ]);
    }
    return { key: readFileSync(file('key.pem'), 'utf8'), cert: readFileSync(file('cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
