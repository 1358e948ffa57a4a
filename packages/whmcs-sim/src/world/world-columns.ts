// A world's invoices are held column by column in typed arrays (about 90 bytes a row), so a
// million-invoice history generates and serves without a million objects.

/** What created an invoice: the ground truth behind it (GetInvoices cannot tell these apart). */
export const INVOICE_KINDS = ['order', 'renewal', 'upgrade', 'add-funds', 'mass-pay'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const KIND_ORDER = 0;
export const KIND_RENEWAL = 1;
export const KIND_UPGRADE = 2;
export const KIND_ADD_FUNDS = 3;
export const KIND_MASS_PAY = 4;

/** Payment gateways by code (the `gateway` column). */
export const WORLD_GATEWAYS = ['stripe', 'banktransfer', 'paypalcheckout', 'mailin'] as const;
export const GATEWAY_STRIPE = 0;
export const GATEWAY_BANK = 1;

/** Column name -> typed array constructor. Times are naive local seconds (0 = never happened). */
const LAYOUT = {
  userid: Int32Array,
  /** Series (service bundle) id, -1 when the invoice belongs to none or to several. */
  series: Int32Array,
  kind: Uint8Array,
  /** Cycle months of the series (0 = none). */
  cycle: Uint8Array,
  createdAt: Uint32Array,
  dueDay: Int32Array,
  subtotal: Int32Array,
  tax: Int32Array,
  tax2: Int32Array,
  /** Credit applied when the invoice was created (from the client's balance). */
  credit: Int32Array,
  taxrate: Int32Array,
  taxrate2: Int32Array,
  paidAt: Uint32Array,
  pendingAt: Uint32Array,
  cancelledAt: Uint32Array,
  refundedAt: Uint32Array,
  collectionsAt: Uint32Array,
  /** First card capture attempt (0 = not a card invoice); attempts repeat daily until paid or cancelled. */
  captureFrom: Uint32Array,
  gateway: Uint8Array,
  paymethodid: Int32Array,
  /** 1 when settled by a mass-pay invoice: from paidAt its credit holds the amount and its total is 0. */
  massPaid: Uint8Array,
  payer: Uint8Array,
  /** Ground truth: P(paid | created), at creation. */
  payProbability: Float32Array,
  /** Ground truth: P(the series renews after this invoice); NaN when not a series invoice. */
  renewProbability: Float32Array,
} as const;

type Layout = typeof LAYOUT;
export type ColumnName = keyof Layout;
export type WorldColumns = { -readonly [K in ColumnName]: InstanceType<Layout[K]> };

export const COLUMN_NAMES = Object.keys(LAYOUT) as ColumnName[];

export function allocateColumns(capacity: number): WorldColumns {
  const columns = {} as Record<ColumnName, unknown>;
  for (const name of COLUMN_NAMES) columns[name] = new LAYOUT[name](capacity);
  return columns as WorldColumns;
}

/** A growable set of columns; rows are appended in generation order. */
export class ColumnBuffer {
  length = 0;
  columns: WorldColumns;

  constructor(capacity = 1024) {
    this.columns = allocateColumns(capacity);
  }

  /** Appends a zeroed row and returns its index. */
  push(): number {
    const capacity = this.columns.userid.length;
    if (this.length === capacity) {
      const next = allocateColumns(Math.ceil(capacity * 1.6));
      for (const name of COLUMN_NAMES) (next[name] as Int32Array).set(this.columns[name] as Int32Array);
      this.columns = next;
    }
    const row = this.length++;
    this.columns.series[row] = -1;
    this.columns.paymethodid[row] = -1;
    this.columns.renewProbability[row] = Number.NaN;
    return row;
  }

  /**
   * Rows reordered by `order` (new position -> old row), one column at a time so the peak memory
   * is one extra column, into arrays indexed by invoice id (index 0 unused).
   */
  reorder(order: Uint32Array): WorldColumns {
    const out = {} as Record<ColumnName, unknown>;
    for (const name of COLUMN_NAMES) {
      const source = this.columns[name] as Int32Array;
      const target = new LAYOUT[name](order.length + 1) as Int32Array;
      for (let i = 0; i < order.length; i++) target[i + 1] = source[order[i]!]!;
      out[name] = target;
      (this.columns as Record<ColumnName, unknown>)[name] = new LAYOUT[name](0);
    }
    return out as WorldColumns;
  }
}
