import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../ledger/attachment-files.ts';
import { ALL_TOKEN, createHarness, type Harness, READ_TOKEN } from './testing/harness.ts';

/* Attachments over the API, stored in a real data directory. */

let h: Harness;
let dataDir: string;
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'attachments-'));
  h = await createHarness({ config: { dataDir } });
});
afterEach(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 7),
]);

// biome-ignore lint/suspicious/noExplicitAny: answers asserted field by field
type Json = Record<string, any>;
async function json(
  method: string,
  path: string,
  body?: unknown,
  token = ALL_TOKEN,
  headers: Record<string, string> = {},
) {
  const res = await h.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function upload(
  path: string,
  files: Array<[string, Buffer, string?]>,
  headers: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [name, bytes, type] of files)
    form.append('file', new Blob([new Uint8Array(bytes)], { type: type ?? 'application/pdf' }), name);
  const res = await h.app.request(path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ALL_TOKEN}`, ...headers },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function commitment() {
  const cp = (await json('POST', '/v1/counterparties', { name: 'DC' })).body.data;
  return (
    await json('POST', '/v1/commitments', {
      counterpartyId: cp.id,
      title: 'Rack',
      currency: 'EUR',
      amount: '10.00',
      cadence: 'monthly',
      startDate: '2024-01-01',
    })
  ).body.data as { id: string };
}

describe('attachments', () => {
  it('takes several files at once, types them by content, serves them only by a random id to a token', async () => {
    const c = await commitment();
    const res = await upload(
      `/v1/commitments/${c.id}/attachments`,
      [
        ['../../etc/contract.pdf', PDF],
        ['scan.pdf', PNG, 'application/pdf'],
      ],
      { 'Idempotency-Key': 'upload-1' },
    );
    expect(res.status).toBe(201);
    expect(res.body.data.map((a: Json) => [a.filename, a.contentType, a.size])).toEqual([
      ['contract.pdf', 'application/pdf', PDF.length],
      ['scan.pdf', 'image/png', PNG.length],
    ]);
    const [first] = res.body.data as Json[];
    expect(first!.id).toMatch(/^at_[A-Za-z0-9_-]{22}$/);
    // A repeat with the same key answers the first answer (no new attachments).
    const again = await upload(
      `/v1/commitments/${c.id}/attachments`,
      [
        ['../../etc/contract.pdf', PDF],
        ['scan.pdf', PNG],
      ],
      {
        'Idempotency-Key': 'upload-1',
      },
    );
    expect(again.body.data.map((a: Json) => a.id)).toEqual(res.body.data.map((a: Json) => a.id));

    const download = await h.app.request(`/v1/attachments/${first!.id}`, {
      headers: { Authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
    expect(download.headers.get('Content-Type')).toBe('application/pdf');
    expect(download.headers.get('Content-Disposition')).toMatch(/^attachment; filename="contract.pdf"/);
    expect(download.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect((await h.app.request(`/v1/attachments/${first!.id}`)).status).toBe(401);

    // The same content on another record is stored once (content-addressed).
    const other = await commitment();
    expect((await upload(`/v1/commitments/${other.id}/attachments`, [['copy.pdf', PDF]])).status).toBe(201);
    const stored = readdirSync(join(dataDir, 'attachments'), { recursive: true, withFileTypes: true }).filter(
      (e) => e.isFile(),
    );
    expect(stored.map((e) => e.name).sort()).toEqual([first!.sha256, res.body.data[1].sha256].sort());

    expect((await json('GET', `/v1/commitments/${c.id}/attachments`)).body.data).toHaveLength(2);
    // Removal is a write like any other: it must say what it read (If-Match "1", the ETag served).
    expect(download.headers.get('ETag')).toBe('"1"');
    expect(first!.version).toBe(1);
    expect((await json('DELETE', `/v1/attachments/${first!.id}`)).status).toBe(428);
    expect(
      (
        await h.app.request(`/v1/attachments/${first!.id}`, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${ALL_TOKEN}`, 'If-Match': '"2"' },
        })
      ).status,
    ).toBe(412);
    const removed = await json('DELETE', `/v1/attachments/${first!.id}`, undefined, ALL_TOKEN, {
      'If-Match': '"1"',
    });
    expect(removed.status).toBe(200);
    expect((await json('GET', `/v1/attachments/${first!.id}`)).status).toBe(404);
    expect((await json('GET', `/v1/commitments/${c.id}/attachments`)).body.data).toHaveLength(1);
    const audit = (await json('GET', '/v1/audit?limit=1000')).body.data as Json[];
    expect(audit.filter((e) => e.action === 'attach' || e.action === 'detach').map((e) => e.action)).toEqual([
      'attach',
      'attach',
      'attach',
      'detach',
    ]);
    expect(
      (await json('DELETE', `/v1/attachments/${first!.id}`, undefined, READ_TOKEN, { 'If-Match': '"1"' }))
        .status,
    ).toBe(403);
  });

  it('takes back the files of an upload whose transaction fails, keeping those a row names', async () => {
    const c = await commitment();
    const key = { 'Idempotency-Key': 'upload-orphans' };
    expect((await upload(`/v1/commitments/${c.id}/attachments`, [['a.pdf', PDF]], key)).status).toBe(201);
    const fresh = Buffer.concat([PNG, Buffer.from('only in the failed upload')]);
    // The same key with another upload fails inside the transaction (after the files are written).
    const failed = await upload(
      `/v1/commitments/${c.id}/attachments`,
      [
        ['a.pdf', PDF],
        ['new.png', fresh, 'image/png'],
      ],
      key,
    );
    expect(failed.status).toBe(422);
    const names = readdirSync(join(dataDir, 'attachments'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
    expect(names).toEqual([createHash('sha256').update(PDF).digest('hex')]);
  });

  it('refuses by content and size, naming each file, and stores nothing of a refused upload', async () => {
    const c = await commitment();
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const truncated = PDF.subarray(0, 20);
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    const res = await upload(`/v1/commitments/${c.id}/attachments`, [
      ['ok.pdf', PDF],
      ['invoice.pdf', html],
      ['cut.pdf', truncated],
      ['huge.pdf', big],
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        param: 'body.file[1]',
        message: expect.stringMatching(/^invoice\.pdf is not a PDF, PNG or JPEG by its content/),
      },
      { param: 'body.file[2]', message: expect.stringMatching(/^cut\.pdf is not a PDF/) },
      { param: 'body.file[3]', message: `huge.pdf is ${big.length} bytes: at most ${MAX_ATTACHMENT_BYTES}` },
    ]);
    expect((await json('GET', `/v1/commitments/${c.id}/attachments`)).body.data).toEqual([]);
    expect(readdirSync(dataDir)).not.toContain('attachments');
    // JSON is not an upload; an unknown record is 404.
    expect((await json('POST', `/v1/commitments/${c.id}/attachments`, { file: 'x' })).status).toBe(415);
    expect((await upload('/v1/cost-entries/ce_AAAAAAAAAAAAAAAA/attachments', [['a.pdf', PDF]])).status).toBe(
      404,
    );
  });
});
