/*
 * The forms for counterparties, commitments and cost entries: which fields each has, and how the
 * text an admin typed becomes the JSON body the bridge validates. The bridge is the judge of what
 * is valid (its answer names the field); the form only turns empty inputs into "no value" the
 * way each field wants it, and numbers into numbers.
 */

export type FieldKind = 'text' | 'textarea' | 'select' | 'date' | 'money' | 'integer' | 'percent' | 'notice';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  /** Must be filled in to save. */
  required?: boolean;
  /** Empty means null (the field may be cleared); otherwise an empty field is left out. */
  nullable?: boolean;
  /** For selects: fixed choices as [value, label]; `options` names a list the page supplies. */
  choices?: ReadonlyArray<readonly [string, string]>;
  options?: 'counterparties' | 'commitments' | 'currencies';
  hint?: string;
}

/** The text of every field of a form, by key (a notice is `value unit`, e.g. `3 month`). */
export type FormValues = Record<string, string>;

const CADENCES = [
  ['monthly', 'Monthly'],
  ['quarterly', 'Quarterly'],
  ['yearly', 'Yearly'],
  ['one-off', 'One-off'],
  ['custom', 'Every N months'],
] as const;
const STATUSES = [
  ['active', 'Active'],
  ['notice_given', 'Notice given'],
  ['ended', 'Ended'],
  ['draft', 'Draft'],
] as const;

export const COUNTERPARTY_FIELDS: readonly FieldSpec[] = [
  { key: 'name', label: 'Name', kind: 'text', required: true },
  { key: 'country', label: 'Country', kind: 'text', nullable: true, hint: 'ISO code, e.g. DE' },
  { key: 'taxId', label: 'Tax id', kind: 'text', nullable: true },
  { key: 'notes', label: 'Notes', kind: 'textarea', nullable: true },
];

export const COMMITMENT_FIELDS: readonly FieldSpec[] = [
  { key: 'title', label: 'Title', kind: 'text', required: true },
  { key: 'counterpartyId', label: 'With', kind: 'select', options: 'counterparties', required: true },
  { key: 'category', label: 'Category', kind: 'text', hint: 'e.g. datacenter, licences, salaries' },
  { key: 'currency', label: 'Currency', kind: 'select', options: 'currencies', required: true },
  {
    key: 'amount',
    label: 'Amount per payment',
    kind: 'money',
    nullable: true,
    hint: 'Empty: no fixed amount (the run rate of its costs is used)',
  },
  { key: 'cadence', label: 'Cadence', kind: 'select', choices: CADENCES, required: true },
  {
    key: 'intervalMonths',
    label: 'Every N months',
    kind: 'integer',
    nullable: true,
    hint: 'Only for “Every N months”',
  },
  { key: 'startDate', label: 'Starts', kind: 'date', required: true },
  { key: 'endDate', label: 'Ends', kind: 'date', nullable: true, hint: 'Empty: open-ended' },
  { key: 'autoRenewMonths', label: 'Renews for (months)', kind: 'integer', nullable: true },
  { key: 'notice', label: 'Notice period', kind: 'notice', nullable: true },
  { key: 'indexationPercent', label: 'Yearly indexation (%)', kind: 'percent', nullable: true },
  { key: 'status', label: 'Status', kind: 'select', choices: STATUSES },
  { key: 'notes', label: 'Notes', kind: 'textarea', nullable: true },
];

export const COST_ENTRY_FIELDS: readonly FieldSpec[] = [
  { key: 'date', label: 'Date', kind: 'date', required: true },
  { key: 'counterpartyId', label: 'From', kind: 'select', options: 'counterparties', nullable: true },
  { key: 'commitmentId', label: 'Commitment', kind: 'select', options: 'commitments', nullable: true },
  { key: 'category', label: 'Category', kind: 'text', nullable: true },
  { key: 'currency', label: 'Currency', kind: 'select', options: 'currencies', required: true },
  { key: 'net', label: 'Net', kind: 'money', required: true },
  { key: 'tax', label: 'Tax', kind: 'money' },
  { key: 'gross', label: 'Gross', kind: 'money', required: true, hint: 'Net + tax' },
  {
    key: 'reference',
    label: 'Reference',
    kind: 'text',
    nullable: true,
    hint: "The supplier's invoice number",
  },
  { key: 'paidDate', label: 'Paid on', kind: 'date', nullable: true },
];

/** The form's text for a record (or empty for a new one). */
export function formValues(fields: readonly FieldSpec[], record?: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = record?.[field.key];
    if (value === null || value === undefined) values[field.key] = '';
    else if (field.kind === 'notice') {
      const notice = value as { value: number; unit: string };
      values[field.key] = `${notice.value} ${notice.unit}`;
    } else values[field.key] = String(value);
  }
  return values;
}

/** A notice period typed as `3 month`, `90 days`, `1 months`; undefined when it is not one. */
export function parseNotice(text: string): { value: number; unit: 'day' | 'month' } | undefined {
  const match = /^\s*(\d{1,4})\s*(day|month)s?\s*$/i.exec(text);
  if (!match) return undefined;
  return { value: Number(match[1]), unit: match[2]!.toLowerCase() as 'day' | 'month' };
}

/**
 * The JSON body for the bridge: every field the form has (a PATCH then sets them all), empty
 * ones as null where the field may be cleared and left out where it may not. Text the bridge must
 * judge (a malformed date, an amount written `1,200.00`) is sent as typed, so its answer names the
 * field: guessing which separator is the decimal one could change an amount.
 */
export function formBody(fields: readonly FieldSpec[], values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const text = (values[field.key] ?? '').trim();
    if (text === '') {
      if (field.nullable) body[field.key] = null;
      continue;
    }
    if (field.kind === 'integer') body[field.key] = /^-?\d+$/.test(text) ? Number(text) : text;
    else if (field.kind === 'notice') body[field.key] = parseNotice(text) ?? text;
    else body[field.key] = field.kind === 'textarea' ? (values[field.key] ?? '') : text;
  }
  return body;
}

/** Problems the bridge named per field (`body.<field>` in its 400 details). */
export function fieldIssues(details: unknown): Record<string, string> {
  const issues: Record<string, string> = {};
  if (!Array.isArray(details)) return issues;
  for (const issue of details as Array<{ param?: unknown; message?: unknown }>) {
    if (typeof issue?.param !== 'string' || typeof issue.message !== 'string') continue;
    const field = issue.param.replace(/^body\./, '').split('.')[0]!;
    issues[field] ??= issue.message;
  }
  return issues;
}

/** A key for Idempotency-Key: a retried save of the same form answers the first result. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
