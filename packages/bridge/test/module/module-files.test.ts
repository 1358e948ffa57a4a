import { serveModulePreview } from '@forecaster/module-assets/preview';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminSession,
  MODULE_TOKEN,
  type ModuleWorld,
  openSession,
  startModuleWorld,
} from './module-harness.ts';

/*
 * Files through the module's PHP proxy, run for real (the built addon under `php -S`, the demo
 * bridge behind it): attachments uploaded several at once as multipart, downloaded as bytes,
 * removed; CSV exported as a download and imported with its dry run first; and every refusal
 * (too large for the bridge, too large for PHP, too many, not a PDF, bad CSV lines, the bridge
 * down) answered as a clear JSON error. No answer may carry the bridge token.
 */

// PHP's limits above the bridge's, so that the proxy's own checks are the ones met first; and
// an upload_max_filesize under 12 MB + post_max_size under 40 MB to meet PHP's too.
const INI = { upload_max_filesize: '12M', post_max_size: '40M', max_file_uploads: '25' };
const MB = 1024 * 1024;
const pdf = (text: string, pad = 0) =>
  Buffer.concat([
    Buffer.from(`%PDF-1.7\n% ${text}\n`),
    Buffer.alloc(pad, 0x20),
    Buffer.from('\ntrailer << >>\n%%EOF\n'),
  ]);

let world: ModuleWorld;
let admin: AdminSession;
const seen: string[] = [];
let commitmentId = '';
let costEntryId = '';

interface Raw {
  status: number;
  type: string;
  disposition: string;
  bytes: Buffer;
  json: { error?: { code: string; message: string; details?: unknown }; [key: string]: unknown };
}

async function raw(res: Response): Promise<Raw> {
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  seen.push(bytes.toString('latin1'), JSON.stringify([...res.headers]));
  return {
    status: res.status,
    type,
    disposition: res.headers.get('content-disposition') ?? '',
    bytes,
    json: type.startsWith('application/json') ? JSON.parse(bytes.toString('utf8')) : {},
  };
}

/** A POST the way the page sends an upload: multipart, the files as `file[]`, the CSRF token. */
async function upload(
  op: string,
  params: Record<string, string>,
  files: Array<[string, Buffer]>,
  options: { token?: string | null; sent?: number; base?: string; cookie?: string } = {},
): Promise<Raw> {
  const form = new FormData();
  for (const [k, v] of Object.entries(params)) form.set(k, v);
  if (options.token !== null) form.set('token', options.token ?? admin.csrf);
  for (const [name, bytes] of files) form.append('file[]', new Blob([new Uint8Array(bytes)]), name);
  form.set('files', String(options.sent ?? files.length));
  const res = await fetch(`${options.base ?? world.whmcs.pageUrl}&action=api&op=${op}`, {
    method: 'POST',
    headers: { cookie: options.cookie ?? admin.cookie },
    body: form,
  });
  return raw(res);
}

async function get(op: string, params: Record<string, string> = {}, base?: string): Promise<Raw> {
  const query = new URLSearchParams({ action: 'api', op, ...params });
  return raw(await fetch(`${base ?? world.whmcs.pageUrl}&${query}`, { headers: { cookie: admin.cookie } }));
}

async function post(op: string, params: Record<string, string>): Promise<Raw> {
  const form = new URLSearchParams({ ...params, token: admin.csrf });
  const res = await fetch(`${world.whmcs.pageUrl}&action=api&op=${op}`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return raw(res);
}

async function direct(method: string, path: string, body?: object): Promise<{ data: { id: string } }> {
  const res = await fetch(world.demo.url + path, {
    method,
    headers: { authorization: `Bearer ${MODULE_TOKEN}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { data: { id: string } };
}

const attachmentsOf = async (path: string) =>
  ((await direct('GET', path)) as unknown as { data: Array<{ id: string; filename: string }> }).data;

beforeAll(async () => {
  world = await startModuleWorld({ invoices: [60, 40], ini: INI });
  admin = await openSession(world.whmcs);
  const counterparty = await direct('POST', '/v1/counterparties', { name: 'Equinix' });
  commitmentId = (
    await direct('POST', '/v1/commitments', {
      counterpartyId: counterparty.data.id,
      title: 'Rack FR5',
      currency: 'EUR',
      amount: '1200.00',
      cadence: 'monthly',
      startDate: '2025-01-01',
      // The token in a field the CSV export carries: the proxy must not pass it on.
      notes: `pasted by mistake: ${MODULE_TOKEN}`,
    })
  ).data.id;
  costEntryId = (
    await direct('POST', '/v1/cost-entries', {
      date: '2026-01-05',
      counterpartyId: counterparty.data.id,
      net: '1200.00',
      gross: '1200.00',
      currency: 'EUR',
    })
  ).data.id;
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe('attachments through the PHP proxy', () => {
  it('several PDFs in one multipart upload, listed, downloaded byte for byte, removed with If-Match', async () => {
    const contract = pdf('contract', 200_000);
    const invoice = pdf('invoice "March" & co');
    const res = await upload('commitmentAttachmentsUpload', { id: commitmentId }, [
      ['contract.pdf', contract],
      ['invoice "March" & co.pdf', invoice],
    ]);
    expect(res.status, res.bytes.toString()).toBe(201);
    const data = res.json.data as Array<{ id: string; filename: string; size: number; contentType: string }>;
    expect(data.map((a) => [a.filename, a.size, a.contentType])).toEqual([
      ['contract.pdf', contract.length, 'application/pdf'],
      // The quote cannot end the multipart header early; the bridge keeps the name without it.
      [expect.stringContaining('invoice'), invoice.length, 'application/pdf'],
    ]);
    const listed = await get('commitmentAttachments', { id: commitmentId });
    expect(listed.json).toEqual(await direct('GET', `/v1/commitments/${commitmentId}/attachments`));

    const file = await get('attachmentDownload', { id: data[0]!.id });
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/pdf');
    expect(file.disposition).toMatch(/^attachment; filename="contract\.pdf"/);
    expect(file.bytes.equals(contract)).toBe(true);

    const missing = await post('attachmentDelete', { id: data[0]!.id });
    expect(missing.json.error?.message).toBe('ifMatch: is required');
    const removed = await post('attachmentDelete', { id: data[0]!.id, ifMatch: '"1"' });
    expect(removed.status, removed.bytes.toString()).toBe(200);
    const gone = await get('attachmentDownload', { id: data[0]!.id });
    expect(gone.status).toBe(404);
    expect(gone.type).toContain('application/json');
    expect((await attachmentsOf(`/v1/commitments/${commitmentId}/attachments`)).length).toBe(1);
  });

  it('on a cost entry too', async () => {
    const res = await upload('costEntryAttachmentsUpload', { id: costEntryId }, [['receipt.pdf', pdf('r')]]);
    expect(res.status, res.bytes.toString()).toBe(201);
    expect((await get('costEntryAttachments', { id: costEntryId })).json.data).toHaveLength(1);
  });

  it('refuses what the bridge would refuse, naming the file, and stores nothing', async () => {
    const path = `/v1/commitments/${commitmentId}/attachments`;
    const before = await attachmentsOf(path);
    // Over the bridge's 10 MB, under PHP's 12 MB: the proxy refuses it without sending it.
    const big = await upload('commitmentAttachmentsUpload', { id: commitmentId }, [
      ['fine.pdf', pdf('ok')],
      ['scan-600dpi.pdf', pdf('big', 10 * MB + 1)],
    ]);
    expect(big.status).toBe(413);
    expect(big.json.error).toMatchObject({ code: 'file_too_large' });
    expect(big.json.error?.message).toMatch(
      /^scan-600dpi\.pdf is 10\.0 MB: the bridge takes files of at most 10\.0 MB/,
    );
    // Over PHP's own upload_max_filesize: said as such (the fix names php.ini), not a lost file.
    const php = await upload('commitmentAttachmentsUpload', { id: commitmentId }, [
      ['huge.pdf', pdf('huge', 13 * MB)],
    ]);
    expect(php.status).toBe(413);
    expect(php.json.error).toMatchObject({ code: 'upload_too_large' });
    expect(php.json.error?.message).toContain('upload_max_filesize');
    // Over post_max_size PHP empties the form, CSRF token included: not called a CSRF failure.
    const post = await upload(
      'commitmentAttachmentsUpload',
      { id: commitmentId },
      [0, 1, 2, 3].map((i) => [`part-${i}.pdf`, pdf('p', 11 * MB)] as [string, Buffer]),
    );
    expect(post.status).toBe(413);
    expect(post.json.error?.message).toContain('post_max_size');
    const many = await upload(
      'commitmentAttachmentsUpload',
      { id: commitmentId },
      Array.from({ length: 21 }, (_, i) => [`f${i}.pdf`, pdf(`${i}`)] as [string, Buffer]),
    );
    expect(many.status).toBe(400);
    expect(many.json.error).toMatchObject({ code: 'too_many_files' });
    // PHP dropped some (max_file_uploads): the page said 3, 2 arrived.
    const lost = await upload(
      'commitmentAttachmentsUpload',
      { id: commitmentId },
      [
        ['a.pdf', pdf('a')],
        ['b.pdf', pdf('b')],
      ],
      { sent: 3 },
    );
    expect(lost.json.error).toMatchObject({ code: 'files_lost' });
    // Not a PDF by its content: the bridge's refusal, each file named, passed on as it is.
    const fake = await upload('commitmentAttachmentsUpload', { id: commitmentId }, [
      ['good.pdf', pdf('good')],
      ['virus.pdf', Buffer.from('MZ\x90\x00 not a pdf')],
      ['cut.pdf', Buffer.from('%PDF-1.7 truncated')],
    ]);
    expect(fake.status).toBe(400);
    expect(fake.json.error?.code).toBe('invalid_request');
    const messages = (fake.json.error!.details as Array<{ message: string }>).map((d) => d.message);
    expect(messages).toEqual([
      expect.stringMatching(/^virus\.pdf is not a PDF/),
      expect.stringMatching(/^cut\.pdf is not a PDF/),
    ]);
    const none = await upload('commitmentAttachmentsUpload', { id: commitmentId }, []);
    expect(none.json.error).toMatchObject({ code: 'no_file' });
    const noToken = await upload('commitmentAttachmentsUpload', { id: commitmentId }, [['x.pdf', pdf('x')]], {
      token: null,
    });
    expect(noToken.json.error).toMatchObject({ code: 'csrf_failed' });
    expect(await attachmentsOf(path)).toEqual(before);
  });

  it('a role that may only look lists and downloads but may not upload or remove', async () => {
    world.whmcs.setState({ adminId: 2 });
    try {
      const listed = await get('commitmentAttachments', { id: commitmentId });
      expect(listed.status).toBe(200);
      const [first] = listed.json.data as Array<{ id: string }>;
      expect((await get('attachmentDownload', { id: first!.id })).status).toBe(200);
      const refused = await upload('commitmentAttachmentsUpload', { id: commitmentId }, [
        ['x.pdf', pdf('x')],
      ]);
      expect(refused.json.error).toMatchObject({ code: 'forbidden_role' });
      expect((await post('attachmentDelete', { id: first!.id, ifMatch: '"1"' })).json.error).toMatchObject({
        code: 'forbidden_role',
      });
    } finally {
      world.whmcs.setState({ adminId: 1 });
    }
  });
});

describe('CSV through the PHP proxy', () => {
  it('exports the bridge’s CSV as a download, with the bridge token taken out', async () => {
    const res = await get('commitmentsCsv');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.disposition).toBe('attachment; filename="commitments.csv"');
    const bridge = await (
      await fetch(`${world.demo.url}/v1/commitments/csv`, {
        headers: { authorization: `Bearer ${MODULE_TOKEN}` },
      })
    ).text();
    expect(bridge).toContain(MODULE_TOKEN);
    expect(res.bytes.toString('utf8')).toBe(bridge.split(MODULE_TOKEN).join('[redacted]'));
    const costs = await get('costEntriesCsv');
    expect(costs.bytes.toString('utf8').split('\r\n')[0]).toMatch(/^id,date,/);
  });

  it('imports with a dry run first: every row it would create and every error with its line; bad lines create nothing', async () => {
    const count = async () =>
      ((await direct('GET', '/v1/commitments')) as unknown as { data: unknown[] }).data.length;
    const before = await count();
    const bad = [
      'counterparty_name,title,currency,amount,cadence,start_date',
      'Equinix,Cross-connects,EUR,150.00,monthly,2026-01-01',
      'Nobody Ltd,Ghost,EUR,1.00,monthly,2026-01-01',
      'Equinix,Power,EUR,abc,fortnightly,2026-01-01',
    ].join('\n');
    const dry = await upload('commitmentsImport', { dryRun: 'true' }, [['bad.csv', Buffer.from(bad)]]);
    expect(dry.status, dry.bytes.toString()).toBe(200);
    expect((dry.json.create as Array<{ line: number }>).map((r) => r.line)).toEqual([2]);
    const errors = dry.json.errors as Array<{ line: number; column: string | null }>;
    expect([...new Set(errors.map((e) => e.line))]).toEqual([3, 4]);
    const commit = await upload('commitmentsImport', {}, [['bad.csv', Buffer.from(bad)]]);
    expect(commit.status).toBe(400);
    expect((commit.json.error!.details as Array<{ param: string }>)[0]!.param).toMatch(/^line 3/);
    expect(await count()).toBe(before);

    const good =
      'counterparty_name,title,currency,amount,cadence,start_date\r\nEquinix,"Cross-connects, two",EUR,150.00,monthly,2026-01-01\r\n';
    const ok = await upload('commitmentsImport', { dryRun: 'true' }, [['good.csv', Buffer.from(good)]]);
    expect(ok.json).toMatchObject({ dryRun: true, errors: [], create: [{ line: 2 }] });
    const created = await upload('commitmentsImport', { idempotencyKey: 'csv-import-key-0001' }, [
      ['good.csv', Buffer.from(good)],
    ]);
    expect(created.status, created.bytes.toString()).toBe(201);
    expect(created.json).toMatchObject({ created: 1, data: [{ title: 'Cross-connects, two' }] });
    expect(await count()).toBe(before + 1);
    // Cost entries take theirs the same way.
    const costs =
      'date,counterparty_name,net,tax,gross,currency\n2026-02-01,Equinix,100.00,19.00,120.00,EUR\n';
    const costDry = await upload('costEntriesImport', { dryRun: 'true' }, [['c.csv', Buffer.from(costs)]]);
    expect(costDry.json.errors).toEqual([expect.objectContaining({ line: 2 })]);
  });

  it('refuses a CSV over the bridge’s 8 MB and more than one file', async () => {
    const big = await upload('commitmentsImport', { dryRun: 'true' }, [
      ['big.csv', Buffer.alloc(8 * MB + 1, 'a')],
    ]);
    expect(big.json.error).toMatchObject({ code: 'file_too_large' });
    const two = await upload('commitmentsImport', { dryRun: 'true' }, [
      ['a.csv', Buffer.from('title\n')],
      ['b.csv', Buffer.from('title\n')],
    ]);
    expect(two.json.error).toMatchObject({ code: 'too_many_files' });
  });
});

describe('the bridge down', () => {
  it('a download, an export and an upload answer the proxy’s JSON error, not a broken file', async () => {
    const [first] = await attachmentsOf(`/v1/commitments/${commitmentId}/attachments`);
    world.whmcs.setState({ settings: { bridgeUrl: 'http://127.0.0.1:9' } });
    try {
      for (const res of [
        await get('attachmentDownload', { id: first!.id }),
        await get('commitmentsCsv'),
        await upload('commitmentAttachmentsUpload', { id: commitmentId }, [['x.pdf', pdf('x')]]),
      ]) {
        expect(res.status).toBe(502);
        expect(res.type).toContain('application/json');
        expect(res.json.error?.code).toBe('bridge_unreachable');
        expect(res.disposition).toBe('');
      }
    } finally {
      world.whmcs.setState({ settings: { bridgeUrl: world.demo.url } });
    }
  });
});

describe('the preview’s stand-in proxy', () => {
  it('carries the same uploads, downloads and refusals', async () => {
    const preview = await serveModulePreview({ bridgeUrl: world.demo.url, token: MODULE_TOKEN });
    try {
      const page = await (await fetch(preview.url)).text();
      const csrf = /data-csrf="([0-9a-f]{40})"/.exec(page)?.[1] ?? '';
      const base = preview.url;
      const res = await upload(
        'costEntryAttachmentsUpload',
        { id: costEntryId },
        [
          ['one.pdf', pdf('one')],
          ['two.pdf', pdf('two')],
        ],
        { base, token: csrf, cookie: '' },
      );
      expect(res.status, res.bytes.toString()).toBe(201);
      const [one] = res.json.data as Array<{ id: string }>;
      const file = await get('attachmentDownload', { id: one!.id }, base);
      expect(file.type).toBe('application/pdf');
      expect(file.bytes.equals(pdf('one'))).toBe(true);
      const big = await upload(
        'costEntryAttachmentsUpload',
        { id: costEntryId },
        [['b.pdf', pdf('b', 10 * MB)]],
        {
          base,
          token: csrf,
          cookie: '',
        },
      );
      expect(big.json.error).toMatchObject({ code: 'file_too_large' });
      const csv = await get('commitmentsCsv', {}, base);
      expect(csv.type).toBe('text/csv; charset=utf-8');
      expect(csv.bytes.toString('utf8')).toContain('[redacted]');
    } finally {
      await preview.close();
    }
  });
});

describe('the bridge token', () => {
  it('is in no answer or header the proxy gave', () => {
    expect(seen.length).toBeGreaterThan(30);
    for (const text of seen) expect(text).not.toContain(MODULE_TOKEN);
    expect(world.whmcs.serverOutput()).not.toContain(MODULE_TOKEN);
  });
});
