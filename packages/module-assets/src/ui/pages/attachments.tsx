import { useRef, useState } from 'preact/hooks';
import { UPLOAD_LIMITS } from '../../module/upload-limits.ts';
import { type Result, useOp } from '../api.ts';
import { DataTable, ErrorAlert, Load, SavedAlert } from '../components.tsx';
import { useModule } from '../context.ts';
import { saveBlob } from '../csv.ts';
import { formatDateTime } from '../format.ts';
import { newIdempotencyKey } from '../ledger-forms.ts';
import type { ApiErrorBody, Attachment } from '../types.ts';

/*
 * The files attached to one commitment or cost entry: listed, uploaded several at once,
 * downloaded and removed, every one through the module's proxy (the browser never reaches the
 * bridge, and never holds its token). A refused upload names each file and why; nothing of it
 * is stored (the bridge takes all or none).
 */

export type AttachmentOwner = 'commitment' | 'costEntry';

const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
};

/** Bytes as people read them (like the proxy's messages). */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

export function AttachmentsPanel({
  owner,
  id,
  label,
  onClose,
}: {
  owner: AttachmentOwner;
  id: string;
  label: string;
  onClose: () => void;
}) {
  const { api, canWrite } = useModule();
  const [list, reload] = useOp(api, `${owner}Attachments`, { id });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const settle = (result: Result<unknown>, message: string) => {
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setDone(message);
    reload();
  };

  const upload = async () => {
    const files = [...(input.current?.files ?? [])];
    if (files.length === 0) return;
    setBusy(true);
    setDone(null);
    const result = await api.call(
      `${owner}AttachmentsUpload`,
      { id, idempotencyKey: newIdempotencyKey() },
      files,
    );
    settle(result, `Attached ${files.map((f) => `“${f.name}”`).join(', ')}.`);
    if (result.ok && input.current) input.current.value = '';
  };

  const download = async (attachment: Attachment) => {
    setDone(null);
    const result = await api.download('attachmentDownload', { id: attachment.id });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    saveBlob(result.data.blob, result.data.filename || attachment.filename);
  };

  const remove = async (attachment: Attachment) => {
    setBusy(true);
    setDone(null);
    setConfirming(null);
    const result = await api.call('attachmentDelete', {
      id: attachment.id,
      ifMatch: `"${attachment.version}"`,
    });
    settle(result, `Removed “${attachment.filename}”.`);
  };

  return (
    <div class="panel panel-default cf-attachments" data-owner={id}>
      <div class="panel-heading">
        <button type="button" class="close" aria-label="Close" onClick={onClose}>
          ×
        </button>
        <h3 class="panel-title">Files of “{label}”</h3>
      </div>
      <div class="panel-body">
        <SavedAlert message={done} />
        {error && <ErrorAlert error={error} title="Not done" issues />}
        {canWrite && (
          <div class="cf-toolbar cf-upload">
            <label for={`cf-upload-${id}`}>Attach PDFs (several at once)</label>{' '}
            <input
              id={`cf-upload-${id}`}
              ref={input}
              type="file"
              multiple
              accept="application/pdf,image/png,image/jpeg"
              class="cf-inline"
            />{' '}
            <button type="button" class="btn btn-primary btn-sm" disabled={busy} onClick={upload}>
              {busy ? 'Working…' : 'Upload'}
            </button>
            <span class="help-block small">
              PDF, PNG or JPEG (judged by the content), up to {formatSize(UPLOAD_LIMITS.fileBytes)} each and{' '}
              {UPLOAD_LIMITS.files} at a time.
            </span>
          </div>
        )}
        <Load value={list} what="the files">
          {(answer) => (
            <DataTable<Attachment>
              csvName={`files-${id}`}
              rows={answer.data}
              empty="No files attached yet."
              columns={[
                {
                  header: 'Name',
                  value: (a) => a.filename,
                  render: (a) => <span class="cf-filename">{a.filename}</span>,
                },
                {
                  header: 'Size',
                  value: (a) => a.size,
                  render: (a) => formatSize(a.size),
                  numeric: true,
                  align: 'right',
                },
                { header: 'Type', value: (a) => TYPE_NAMES[a.contentType] ?? a.contentType },
                { header: 'Added', value: (a) => a.createdAt, render: (a) => formatDateTime(a.createdAt) },
                {
                  header: 'Actions',
                  value: () => '',
                  render: (a) => (
                    <span class="cf-row-actions">
                      <button type="button" class="btn btn-default btn-xs" onClick={() => download(a)}>
                        Download
                      </button>{' '}
                      {canWrite &&
                        (confirming === a.id ? (
                          <button
                            type="button"
                            class="btn btn-danger btn-xs"
                            disabled={busy}
                            onClick={() => remove(a)}
                          >
                            Confirm remove
                          </button>
                        ) : (
                          <button
                            type="button"
                            class="btn btn-default btn-xs"
                            disabled={busy}
                            onClick={() => setConfirming(a.id)}
                          >
                            Remove
                          </button>
                        ))}
                    </span>
                  ),
                },
              ]}
            />
          )}
        </Load>
      </div>
    </div>
  );
}
