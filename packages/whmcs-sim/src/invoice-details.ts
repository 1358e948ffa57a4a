import { encodeEntities } from './html-entities.ts';
import { formatDay, parseDay } from './local-time.ts';
import { formatCents, parseCents } from './money.ts';
import { hashMix, mulberry32 } from './prng.ts';
import type { SimInvoice, SimInvoiceItem, SimTransaction } from './types.ts';

const PRODUCTS: Array<[type: string, description: string]> = [
  ['Hosting', 'Shared Hosting Starter - site{id}.example.com'],
  ['Hosting', 'Business Hosting - shop{id}.example.net'],
  ['Domain', 'Domain Renewal - brand{id}.com - 1 Year/s'],
  ['Addon', 'SSL Certificate & Dedicated IP'],
  ['Hosting', 'VPS "Pro" <2 vCPU>'],
];

function dmy(day: number): string {
  const iso = formatDay(day) ?? '';
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/**
 * The invoice's line items, derived from the seed and the row (not stored): one to three items
 * whose amounts sum exactly to the subtotal; none when the subtotal is zero.
 */
export function invoiceItems(seed: number, invoice: SimInvoice): SimInvoiceItem[] {
  const subtotal = parseCents(invoice.subtotal);
  if (subtotal <= 0) return [];
  const random = mulberry32(hashMix(seed, invoice.id, 0x17e5));
  const count = Math.min(subtotal, 1 + Math.floor(random() * 3));
  const cuts = Array.from({ length: count - 1 }, () => 1 + Math.floor(random() * (subtotal - 1))).sort(
    (a, b) => a - b,
  );
  const bounds = [0, ...cuts, subtotal];
  const taxed = invoice.taxrate !== '0.000' ? 1 : 0;
  const start = invoice.date === null ? null : parseDay(invoice.date);
  return Array.from({ length: count }, (_, k) => {
    const [type, template] = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
    const period = start === null ? '' : ` (${dmy(start)} - ${dmy(start + 29)})`;
    return {
      id: invoice.id * 3 + k,
      type,
      relid: invoice.userid * 100 + k + 1,
      description: encodeEntities(`${template.replace('{id}', String(invoice.id))}${period}`),
      amount: formatCents(bounds[k + 1]! - bounds[k]!),
      taxed,
    };
  });
}

/**
 * Payments recorded against the invoice (tblaccounts): one payment for Paid and Refunded invoices
 * with a positive total, plus the refund for Refunded. A few payments overshoot the total, which
 * leaves a negative balance, as WHMCS allows. `currency` is 0: client payments take the client's.
 */
export function invoiceTransactions(
  seed: number,
  invoice: SimInvoice,
): { transactions: SimTransaction[]; balanceCents: number } {
  const total = parseCents(invoice.total);
  const transactions: SimTransaction[] = [];
  if ((invoice.status === 'Paid' || invoice.status === 'Refunded') && total > 0) {
    const overpaid = hashMix(seed, invoice.id, 0xba1) % 97 === 0 ? 500 : 0;
    const paymentId = invoice.id * 2;
    transactions.push({
      id: paymentId,
      userid: invoice.userid,
      currency: 0,
      gateway: invoice.paymentmethod,
      date: invoice.datepaid,
      description: 'Invoice Payment',
      amountin: formatCents(total + overpaid),
      fees: formatCents(Math.round((total + overpaid) * 0.029)),
      amountout: '0.00',
      rate: '1.00000',
      transid: `TX-${invoice.id.toString(36).toUpperCase()}-${hashMix(seed, invoice.id) % 100000}`,
      invoiceid: invoice.id,
      refundid: 0,
    });
    if (invoice.status === 'Refunded') {
      transactions.push({
        id: paymentId + 1,
        userid: invoice.userid,
        currency: 0,
        gateway: invoice.paymentmethod,
        date: invoice.date_refunded,
        description: `Refund of Transaction ID ${paymentId}`,
        amountin: '0.00',
        fees: '0.00',
        amountout: formatCents(total + overpaid),
        rate: '1.00000',
        transid: `RF-${invoice.id.toString(36).toUpperCase()}`,
        invoiceid: invoice.id,
        refundid: paymentId,
      });
    }
  }
  let balance = total;
  for (const t of transactions) balance += parseCents(t.amountout) - parseCents(t.amountin);
  return { transactions, balanceCents: balance };
}
