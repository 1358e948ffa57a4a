import { formatDateTime, formatDay, NULL_DAY, parseDateTime, parseDay } from './local-time.ts';
import { formatCents, formatRate, parseCents, parseRate } from './money.ts';
import type { InvoiceStatus, SimInvoice } from './types.ts';

/** Status codes index this list; its order is only an encoding. */
export const STATUSES: readonly InvoiceStatus[] = [
  'Draft',
  'Unpaid',
  'Paid',
  'Cancelled',
  'Refunded',
  'Collections',
  'Payment Pending',
];

export const STATUS_CODE: Readonly<Record<InvoiceStatus, number>> = Object.fromEntries(
  STATUSES.map((status, code) => [status, code]),
) as Record<InvoiceStatus, number>;

const INT32_MAX = 2147483647;

function grow<T extends Int32Array | Uint32Array | Uint8Array>(array: T, capacity: number): T {
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(capacity);
  next.set(array);
  return next;
}

/**
 * tblinvoices, held column by column in typed arrays indexed by invoice id: about 70 bytes a row,
 * so a million invoices stay well under 100 MB and a page is read without allocating per column.
 * Every mutation bumps `generation`, which invalidates the query indexes built over it.
 */
export class InvoiceStore {
  /** Highest id ever allocated (ids are never reused, like AUTO_INCREMENT). */
  maxId = 0;
  /** Rows that exist (not deleted). */
  size = 0;
  generation = 0;
  nextInvoiceNum = 1;

  exists = new Uint8Array(1);
  userid = new Int32Array(1);
  /** 0 = '', n > 0 = String(n), -1 = see customInvoicenum. */
  invoicenum = new Int32Array(1);
  customInvoicenum = new Map<number, string>();
  date = new Int32Array(1);
  duedate = new Int32Array(1);
  datepaid = new Uint32Array(1);
  lastCaptureAttempt = new Uint32Array(1);
  dateRefunded = new Uint32Array(1);
  dateCancelled = new Uint32Array(1);
  createdAt = new Uint32Array(1);
  updatedAt = new Uint32Array(1);
  subtotal = new Int32Array(1);
  credit = new Int32Array(1);
  tax = new Int32Array(1);
  tax2 = new Int32Array(1);
  total = new Int32Array(1);
  taxrate = new Int32Array(1);
  taxrate2 = new Int32Array(1);
  status = new Uint8Array(1);
  paymentmethod = new Uint8Array(1);
  /** -1 = NULL. */
  paymethodid = new Int32Array(1);
  notes = new Map<number, string>();
  gateways: string[] = [];

  constructor(capacity: number) {
    this.reserve(capacity);
  }

  /** Makes room for ids up to `maxId`. */
  reserve(maxId: number): void {
    const needed = maxId + 1;
    if (needed <= this.exists.length) return;
    const capacity = Math.max(needed, Math.ceil(this.exists.length * 1.5));
    this.exists = grow(this.exists, capacity);
    this.userid = grow(this.userid, capacity);
    this.invoicenum = grow(this.invoicenum, capacity);
    this.date = grow(this.date, capacity);
    this.duedate = grow(this.duedate, capacity);
    this.datepaid = grow(this.datepaid, capacity);
    this.lastCaptureAttempt = grow(this.lastCaptureAttempt, capacity);
    this.dateRefunded = grow(this.dateRefunded, capacity);
    this.dateCancelled = grow(this.dateCancelled, capacity);
    this.createdAt = grow(this.createdAt, capacity);
    this.updatedAt = grow(this.updatedAt, capacity);
    this.subtotal = grow(this.subtotal, capacity);
    this.credit = grow(this.credit, capacity);
    this.tax = grow(this.tax, capacity);
    this.tax2 = grow(this.tax2, capacity);
    this.total = grow(this.total, capacity);
    this.taxrate = grow(this.taxrate, capacity);
    this.taxrate2 = grow(this.taxrate2, capacity);
    this.status = grow(this.status, capacity);
    this.paymentmethod = grow(this.paymentmethod, capacity);
    this.paymethodid = grow(this.paymethodid, capacity);
  }

  gatewayCode(name: string): number {
    let code = this.gateways.indexOf(name);
    if (code === -1) {
      if (this.gateways.length >= 255) throw new RangeError('too many payment gateways');
      code = this.gateways.push(name) - 1;
    }
    return code;
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id > 0 && id <= this.maxId && this.exists[id] === 1;
  }

  invoicenumText(id: number): string {
    const n = this.invoicenum[id] ?? 0;
    if (n === 0) return '';
    if (n > 0) return String(n);
    return this.customInvoicenum.get(id) ?? '';
  }

  /** Materializes a row as WHMCS stores it. */
  get(id: number): SimInvoice | undefined {
    if (!this.has(id)) return undefined;
    return {
      id,
      userid: this.userid[id]!,
      invoicenum: this.invoicenumText(id),
      date: formatDay(this.date[id]!),
      duedate: formatDay(this.duedate[id]!),
      datepaid: formatDateTime(this.datepaid[id]!),
      last_capture_attempt: formatDateTime(this.lastCaptureAttempt[id]!),
      date_refunded: formatDateTime(this.dateRefunded[id]!),
      date_cancelled: formatDateTime(this.dateCancelled[id]!),
      subtotal: formatCents(this.subtotal[id]!),
      credit: formatCents(this.credit[id]!),
      tax: formatCents(this.tax[id]!),
      tax2: formatCents(this.tax2[id]!),
      total: formatCents(this.total[id]!),
      taxrate: formatRate(this.taxrate[id]!),
      taxrate2: formatRate(this.taxrate2[id]!),
      status: STATUSES[this.status[id]!]!,
      paymentmethod: this.gateways[this.paymentmethod[id]!] ?? '',
      paymethodid: this.paymethodid[id] === -1 ? null : this.paymethodid[id]!,
      notes: this.notes.get(id) ?? '',
      created_at: formatDateTime(this.createdAt[id]!),
      updated_at: formatDateTime(this.updatedAt[id]!),
    };
  }

  /** Allocates the next id (AUTO_INCREMENT) with every column zeroed. */
  allocate(): number {
    const id = this.maxId + 1;
    this.reserve(id);
    this.maxId = id;
    this.exists[id] = 1;
    this.paymethodid[id] = -1;
    this.date[id] = NULL_DAY;
    this.duedate[id] = NULL_DAY;
    this.size++;
    this.generation++;
    return id;
  }

  delete(id: number): void {
    if (!this.has(id)) throw new RangeError(`Invoice ${id} not found`);
    this.exists[id] = 0;
    this.notes.delete(id);
    this.customInvoicenum.delete(id);
    this.size--;
    this.generation++;
  }

  /**
   * Writes the given columns, parsing WHMCS's text forms. Money columns other than `total` recompute
   * the total (WHMCS: total = subtotal + tax + tax2 - credit) unless `total` is given too.
   */
  patch(id: number, patch: Partial<Omit<SimInvoice, 'id'>>): void {
    if (!this.has(id)) throw new RangeError(`Invoice ${id} not found`);
    const money = (value: string, name: string): number => {
      const cents = parseCents(value);
      if (Math.abs(cents) > INT32_MAX) throw new RangeError(`${name} out of range: ${value}`);
      return cents;
    };
    if (patch.userid !== undefined) this.userid[id] = patch.userid;
    if (patch.invoicenum !== undefined) this.setInvoicenum(id, patch.invoicenum);
    if (patch.date !== undefined) this.date[id] = parseDay(patch.date);
    if (patch.duedate !== undefined) this.duedate[id] = parseDay(patch.duedate);
    if (patch.datepaid !== undefined) this.datepaid[id] = parseDateTime(patch.datepaid);
    if (patch.last_capture_attempt !== undefined)
      this.lastCaptureAttempt[id] = parseDateTime(patch.last_capture_attempt);
    if (patch.date_refunded !== undefined) this.dateRefunded[id] = parseDateTime(patch.date_refunded);
    if (patch.date_cancelled !== undefined) this.dateCancelled[id] = parseDateTime(patch.date_cancelled);
    if (patch.subtotal !== undefined) this.subtotal[id] = money(patch.subtotal, 'subtotal');
    if (patch.credit !== undefined) this.credit[id] = money(patch.credit, 'credit');
    if (patch.tax !== undefined) this.tax[id] = money(patch.tax, 'tax');
    if (patch.tax2 !== undefined) this.tax2[id] = money(patch.tax2, 'tax2');
    if (patch.total !== undefined) this.total[id] = money(patch.total, 'total');
    else if (
      patch.subtotal !== undefined ||
      patch.credit !== undefined ||
      patch.tax !== undefined ||
      patch.tax2 !== undefined
    ) {
      this.total[id] = this.subtotal[id]! + this.tax[id]! + this.tax2[id]! - this.credit[id]!;
    }
    if (patch.taxrate !== undefined) this.taxrate[id] = parseRate(patch.taxrate);
    if (patch.taxrate2 !== undefined) this.taxrate2[id] = parseRate(patch.taxrate2);
    if (patch.status !== undefined) {
      const code = STATUS_CODE[patch.status];
      if (code === undefined) throw new TypeError(`Unknown invoice status: ${patch.status}`);
      this.status[id] = code;
    }
    if (patch.paymentmethod !== undefined) this.paymentmethod[id] = this.gatewayCode(patch.paymentmethod);
    if (patch.paymethodid !== undefined) this.paymethodid[id] = patch.paymethodid ?? -1;
    if (patch.notes !== undefined) {
      if (patch.notes) this.notes.set(id, patch.notes);
      else this.notes.delete(id);
    }
    if (patch.created_at !== undefined) this.createdAt[id] = parseDateTime(patch.created_at);
    if (patch.updated_at !== undefined) this.updatedAt[id] = parseDateTime(patch.updated_at);
    this.generation++;
  }

  private setInvoicenum(id: number, text: string): void {
    this.customInvoicenum.delete(id);
    if (text === '') this.invoicenum[id] = 0;
    else if (/^[1-9]\d{0,8}$/.test(text)) this.invoicenum[id] = Number(text);
    else {
      this.invoicenum[id] = -1;
      this.customInvoicenum.set(id, text);
    }
  }

  /** Assigns the next sequential invoice number when the row has none (sequential paid numbering). */
  assignInvoicenum(id: number): void {
    if (this.invoicenumText(id) === '') this.invoicenum[id] = this.nextInvoiceNum++;
  }
}
