/**
 * Beyond loopback only with TLS: a daemon with a certificate (self-signed, made here with openssl) speaks https and
 * wss, the board logs in over it with a Secure cookie and follows the stream; without TLS a non-loopback address is
 * refused with a clear message.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Task } from '../../../daemon/src/protocol/index.js';
import { startTestDaemon, type TestDaemon } from '../support/testDaemon.js';
import { makeTempHome, removeTempHome } from '../support/tempHome.js';
import { cliEnv, runCli } from '../support/runCli.js';
import { launchBrowser } from './boardBrowser.js';

function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=agent-tracker-test', '-addext', 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost',
    '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { cert, key };
}

/** One https request trusting only the test's certificate. */
function httpsCall(url: string, options: { method?: string; token?: string; ca: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', ca: options.ca, headers: options.token ? { authorization: `Bearer ${options.token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('board: TLS and listening beyond loopback', function () {
  this.timeout(60_000);
  let dir: string;
  let files: { cert: string; key: string };
  let browser: Browser;

  before(async () => {
    dir = makeTempHome('tls');
    files = selfSigned(dir);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    removeTempHome(dir);
  });

  it('serves https and wss on another address; the board logs in with a Secure cookie and follows the stream', async () => {
    let t: TestDaemon | undefined;
    try {
      t = await startTestDaemon({ settings: { host: '127.0.0.2', tlsCert: files.cert, tlsKey: files.key } });
      const ca = readFileSync(files.cert);
      assert.match(t.daemon.url, /^https:\/\/127\.0\.0\.2:\d+$/);
      const health = await httpsCall(`${t.daemon.url}/healthz`, { ca });
      assert.equal(health.status, 200);
      const code = await httpsCall(`${t.daemon.url}/v1/login-codes`, { method: 'POST', token: t.daemon.token, ca });
      assert.equal(code.status, 201, code.body);
      const { url } = JSON.parse(code.body) as { url: string };
      assert.ok(url.startsWith(`${t.daemon.url}/login?code=`));
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await context.newPage();
      assert.equal((await page.goto(url))?.status(), 200);
      const [cookie] = await context.cookies();
      assert.equal(cookie?.secure, true);
      await page.locator('.b-status', { hasText: 'live' }).waitFor();
      const task = await new Promise<Task>((resolve, reject) => {
        const req = request(`${t?.daemon.url}/v1/tasks`, { method: 'POST', ca, headers: { authorization: `Bearer ${t?.daemon.token}`, 'content-type': 'application/json' } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(JSON.parse(body) as Task));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ title: 'Over wss' }));
      });
      await page.locator(`[data-task="${task.id}"]`).waitFor({ timeout: 2000 });
      await context.close();
    } finally {
      await t?.close();
    }
  });

  it('refuses a non-loopback address without TLS, and half a TLS pair, with a clear message', async () => {
    const home = makeTempHome('exposed');
    try {
      const plain = await runCli(['daemon', '--home', home, '--port', '0', '--host', '0.0.0.0'], { env: cliEnv() });
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /refusing to listen on 0\.0\.0\.0 without TLS/);
      const half = await runCli(['daemon', '--home', home, '--port', '0', '--tls-cert', files.cert], { env: cliEnv() });
      assert.equal(half.code, 2);
      assert.match(half.stderr, /--tls-cert and --tls-key go together/);
      await assert.rejects(startTestDaemon({ home, settings: { host: '127.0.0.2' } }), /without TLS/);
    } finally {
      removeTempHome(home);
    }
  });
});
