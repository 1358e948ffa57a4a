/*
 * What GetInvoices cannot show, stated in every answer instead of guessed (design notes §0).
 */

export interface Caveat {
  code: string;
  message: string;
}

export const CAVEATS = {
  partialPayments: {
    code: 'partial_payments_invisible',
    message:
      'GetInvoices shows no transactions: a partly paid invoice counts in full as open until it is fully paid, and its cash is dated on the day it became fully paid.',
  },
  partialRefunds: {
    code: 'partial_refunds_invisible',
    message:
      'A partial refund leaves an invoice Paid in WHMCS and is invisible here; only full refunds (status Refunded) count.',
  },
  itemTypes: {
    code: 'item_types_invisible',
    message:
      'Invoice lines are not visible: add-funds and mass-pay invoices cannot be told apart from billing, so the same cash can be billed twice (once as a deposit, once as credit applied); receivables can count a mass-pay invoice and its originals both.',
  },
  exchangeRates: {
    code: 'exchange_rates_absent',
    message:
      'GetInvoices carries no exchange rate and reports each invoice in the client current currency: figures stay per currency; a converted view uses only the rates the operator loaded.',
  },
  collections: {
    code: 'collections_ambiguous',
    message:
      'Collections means a reversed payment or a manual hold, depending on the install: it is reported apart as disputed.',
  },
  undatedChanges: {
    code: 'undated_status_changes',
    message:
      'Without date_cancelled and updated_at (WHMCS before 8.3), the day an invoice was cancelled or reversed is unknown before the bridge first saw it: past states are approximate.',
  },
  missingRate: {
    code: 'missing_exchange_rate',
    message:
      'No rate on or before the day needed for some amounts: their converted figures are null (never converted at 1.0).',
  },
  forecastEstimate: {
    code: 'forecast_is_an_estimate',
    message:
      'Forecast amounts are expectations and quantiles of a simulation, rounded to the cent; figures of past invoices are exact sums.',
  },
} as const satisfies Record<string, Caveat>;

/** The caveats every answer carries. */
export const BASE_CAVEATS: Caveat[] = [
  CAVEATS.partialPayments,
  CAVEATS.partialRefunds,
  CAVEATS.itemTypes,
  CAVEATS.exchangeRates,
  CAVEATS.collections,
];
