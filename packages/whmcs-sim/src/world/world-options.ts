import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Defaults follow /work/shared/design/HOSTING-WORLDS.md (WHMCS install defaults in section 0, payment,
// churn and seasonality ranges in sections 1-3); each is a point inside the published range.

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'not a calendar date');
const probability = z.number().min(0).max(1);
const weight = z.number().min(0);

export const CYCLES = [
  'monthly',
  'quarterly',
  'semiannually',
  'annually',
  'biennially',
  'triennially',
] as const;
export type Cycle = (typeof CYCLES)[number];
/** Months per WHMCS billing cycle. */
export const CYCLE_MONTHS: Readonly<Record<Cycle, number>> = {
  monthly: 1,
  quarterly: 3,
  semiannually: 6,
  annually: 12,
  biennially: 24,
  triennially: 36,
};

export const PAYER_TYPES = ['on-time', 'late', 'very-late', 'never'] as const;
export type PayerType = (typeof PAYER_TYPES)[number];

export const WORLD_PRESET_NAMES = [
  'stable',
  'growing',
  'shrinking',
  'price-rise',
  'currency-swing',
  'fields-7x',
] as const;
export type WorldPresetName = (typeof WORLD_PRESET_NAMES)[number];

function renewalPair(defaults: { first: number; later: number }) {
  return z
    .object({
      /** Probability that the first renewal happens (tenure effect: first renewals are the weakest). */
      first: probability.default(defaults.first),
      /** Probability of each later renewal. */
      later: probability.default(defaults.later),
    })
    .prefault({});
}

function lognormalDelay(defaults: { medianDays: number; sigma: number; defaultRate: number }) {
  return z
    .object({
      /** Median days from the due date to payment. */
      medianDays: z.number().positive().default(defaults.medianDays),
      /** Log-scale spread (sigma of the underlying normal). */
      sigma: z.number().min(0).max(3).default(defaults.sigma),
      /** Probability that an invoice of this payer is never paid (cancelled after `unpaidCancelAfterDays`). */
      defaultRate: probability.default(defaults.defaultRate),
    })
    .prefault({});
}

const currency = z.object({
  code: z.string().regex(/^[A-Z]{3}$/),
  prefix: z.string().default(''),
  suffix: z.string().default(''),
  /** Share of new clients billed in this currency (weights, normalised). */
  share: weight,
  /** Units of this currency per 1 unit of the base (first) currency at the start. */
  rate: z.number().positive(),
  /** Annualised volatility of the daily rate path (0.08 = 8%). */
  volatility: z.number().min(0).max(1).default(0.08),
});

const priceChange = z.object({
  /** Day the change takes effect (WHMCS local date). */
  date: isoDate,
  /** Change in percent, e.g. 12 for +12%, -10 for a cut. */
  percent: z.number().gt(-90).lt(1000),
  /** 'new': only services ordered from that day (WHMCS default); 'all': the operator also reprices existing services. */
  appliesTo: z.enum(['new', 'all']).default('all'),
});

const currencySwing = z.object({
  code: z.string().regex(/^[A-Z]{3}$/),
  /** First day of the move. */
  from: isoDate,
  /** Days over which the move happens (1 = a jump). */
  days: z.number().int().min(1).max(3650).default(90),
  /** Move of the rate (units of this currency per 1 base) in percent: +20 = the currency weakens 20% against the base. */
  percent: z.number().gt(-95).lt(500),
});

const cycleMix = z.object({
  monthly: weight,
  quarterly: weight,
  semiannually: weight,
  annually: weight,
  biennially: weight,
  triennially: weight,
});

const DEFAULT_RENEWAL = {
  monthly: { first: 0.9, later: 0.975 },
  quarterly: { first: 0.84, later: 0.95 },
  semiannually: { first: 0.78, later: 0.92 },
  annually: { first: 0.68, later: 0.88 },
  biennially: { first: 0.66, later: 0.86 },
  triennially: { first: 0.64, later: 0.85 },
  domain: { first: 0.6, later: 0.85 },
};

/**
 * Every parameter of a simulated hosting business. All keys are optional in the input; `preset`
 * fills a regime first, explicit keys override it. Validate with `worldOptionsSchema.parse` or
 * `resolveWorldOptions`.
 */
export const worldOptionsSchema = z
  .object({
    /** A regime to start from: its values apply under any key given explicitly. */
    preset: z.enum(WORLD_PRESET_NAMES).optional(),
    /** PRNG seed: the same options and seed give a byte-identical world. */
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** First day of the history (WHMCS local date). */
    start: isoDate.default('2019-01-01'),
    /** Length of the history in years (whole months are used: round(years * 12)). */
    years: z
      .number()
      .min(1 / 12)
      .max(15)
      .default(7),
    /** WHMCS server time zone; every date and datetime is local to it. */
    timeZone: z.string().default('UTC'),
    /** GetInvoices columns: '8.x' (8.3+: date_refunded, date_cancelled, created_at, updated_at) or '7.x' (without them). */
    fieldSet: z.enum(['8.x', '7.x']).default('8.x'),
    /** Size: active clients at the start (the existing book). */
    clients: z.number().int().min(0).max(2_000_000).default(500),
    acquisition: z
      .object({
        /** New clients per month, as a share of the starting book (0.016 = 8 a month for 500 clients). */
        monthlyRate: z.number().min(0).max(10).default(0.016),
        /** Annual growth of the acquisition rate (0.3 = +30% a year, -0.3 = -30% a year). */
        growth: z.number().gt(-1).max(10).default(0),
        /** Relative new-order volume per calendar month, January first (hosting: Q1 strong, August weak). */
        seasonality: z
          .array(weight)
          .length(12)
          .default([1.45, 1.2, 1.15, 0.95, 0.95, 0.85, 0.8, 0.7, 1.0, 1.15, 1.1, 0.7]),
        /** January orders choose annual or longer cycles this many times more often (the January-heavy renewal wall). */
        januaryAnnualBoost: z.number().min(0).max(20).default(2.5),
      })
      .prefault({}),
    services: z
      .object({
        /** Mean hosting services (series) per client at signup (1 + Poisson). */
        perClient: z.number().min(1).max(15).default(1.3),
        /** Mean domains per client at signup (Poisson). */
        domainsPerClient: z.number().min(0).max(15).default(0.8),
        /** Expected services a client adds later, per year of tenure. */
        crossSellPerYear: z.number().min(0).max(5).default(0.08),
        /** Billing cycle weights of hosting services (HOSTING-WORLDS.md section 7). */
        cycleMix: cycleMix.default({
          monthly: 0.35,
          quarterly: 0.05,
          semiannually: 0.05,
          annually: 0.45,
          biennially: 0.05,
          triennially: 0.05,
        }),
        /** Probability that a renewal comes with an upgrade (a prorated upgrade invoice, then a higher price). */
        upgradeRate: probability.default(0.03),
        /** Probability that a renewal comes with a downgrade (a lower price from then on). */
        downgradeRate: probability.default(0.01),
      })
      .prefault({}),
    /** Probability of each renewal, per cycle and for domains: first renewal and later ones. */
    renewal: z
      .object({
        monthly: renewalPair(DEFAULT_RENEWAL.monthly),
        quarterly: renewalPair(DEFAULT_RENEWAL.quarterly),
        semiannually: renewalPair(DEFAULT_RENEWAL.semiannually),
        annually: renewalPair(DEFAULT_RENEWAL.annually),
        biennially: renewalPair(DEFAULT_RENEWAL.biennially),
        triennially: renewalPair(DEFAULT_RENEWAL.triennially),
        domain: renewalPair(DEFAULT_RENEWAL.domain),
        /** Share of non-renewals that show as a renewal invoice later cancelled (the rest cancel before it is generated). */
        cancelledInvoiceShare: probability.default(0.6),
      })
      .prefault({}),
    payers: z
      .object({
        /** Share of new clients of each payer type (weights, normalised). */
        mix: z
          .object({ 'on-time': weight, late: weight, 'very-late': weight, never: weight })
          .default({ 'on-time': 0.55, late: 0.3, 'very-late': 0.1, never: 0.05 }),
        /** On-time payers pay by card on file, charged on the due date and retried daily. */
        onTime: z
          .object({
            /** Share of first capture attempts declined (Recurly: 5-14% B2B). */
            declineRate: probability.default(0.1),
            /** Share of declines recovered by the daily retries, within 2-12 days. */
            recoveryRate: probability.default(0.6),
          })
          .prefault({}),
        late: lognormalDelay({ medianDays: 8, sigma: 0.8, defaultRate: 0.03 }),
        veryLate: lognormalDelay({ medianDays: 45, sigma: 0.5, defaultRate: 0.15 }),
        /** Late payers may pay up to this many days before the due date. */
        earlyDays: z.number().min(0).max(30).default(3),
        /** An invoice never paid is cancelled this many days after its due date. */
        unpaidCancelAfterDays: z.number().int().min(1).max(3650).default(30),
        /** Share of bank-transfer payments that sit in Payment Pending for 1-4 days first. */
        paymentPendingShare: probability.default(0.1),
      })
      .prefault({}),
    events: z
      .object({
        /** Share of paid order invoices fully refunded within 30 days (money-back guarantee). */
        refundRate: probability.default(0.02),
        /** Share of paid card invoices charged back 20-75 days later (status Collections). */
        chargebackRate: probability.default(0.003),
        /** Share of clients who prepay with Add Funds invoices (credit applied to later invoices). */
        addFundsClients: probability.default(0.04),
        /** Probability that a late payer with other open invoices settles them all with one mass-pay invoice. */
        massPayRate: probability.default(0.35),
      })
      .prefault({}),
    invoicing: z
      .object({
        /** Invoice Generation: invoices are created this many days before the due date (WHMCS default 14). */
        leadDays: z.number().int().min(0).max(120).default(14),
        /** Per-cycle overrides of the lead (WHMCS's CreateInvoiceDaysBefore<Cycle>). */
        leadDaysByCycle: z.partialRecord(z.enum(CYCLES), z.number().int().min(0).max(120)).default({}),
        /** Lead for domain renewals (CreateDomainInvoiceDaysBefore; empty = leadDays). */
        domainLeadDays: z.number().int().min(0).max(120).optional(),
        /** Continuous Invoice Generation (off by default: no new invoice for a service until the last one is paid). */
        continuous: z.boolean().default(false),
        /** Daily cron hour (DailyCronExecutionHour, default 9). */
        cronHour: z.number().int().min(0).max(23).default(9),
      })
      .prefault({}),
    /** Dated price changes of the catalogue. */
    priceChanges: z.array(priceChange).default([]),
    /** Billing currencies; the first is the base. Prices stay fixed per currency unless autoUpdateProductPrices. */
    currencies: z
      .array(currency)
      .min(1)
      .default([
        { code: 'USD', prefix: '$', suffix: ' USD', share: 0.6, rate: 1, volatility: 0 },
        { code: 'EUR', prefix: '€', suffix: ' EUR', share: 0.3, rate: 0.92, volatility: 0.08 },
        { code: 'GBP', prefix: '£', suffix: ' GBP', share: 0.1, rate: 0.79, volatility: 0.08 },
      ]),
    /** Dated moves of a currency's rate against the base (on top of its volatility). */
    currencySwings: z.array(currencySwing).default([]),
    /** WHMCS's CurrencyAutoUpdateProductPrices: new orders in other currencies are priced at the day's rate. */
    autoUpdateProductPrices: z.boolean().default(false),
    /**
     * Another future for the same past: every draw made from `from` (WHMCS local time) comes from
     * streams seeded by `seed`, and invoices still open at `from` get an outcome redrawn from their law
     * given that. Everything served before `from` is unchanged. Averaging many alternative futures
     * gives the expected value a perfect model could forecast at `from`, and their spread the
     * irreducible noise.
     */
    alternativeFuture: z
      .object({
        from: z
          .string()
          .regex(
            /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/,
            'expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (local)',
          ),
        seed: z.number().int().min(0).max(0xffffffff),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    const codes = options.currencies.map((c) => c.code);
    if (new Set(codes).size !== codes.length)
      ctx.addIssue({ code: 'custom', path: ['currencies'], message: 'currency codes must be unique' });
    if (options.currencies.every((c) => c.share === 0))
      ctx.addIssue({
        code: 'custom',
        path: ['currencies'],
        message: 'at least one currency needs a share > 0',
      });
    options.currencySwings.forEach((swing, i) => {
      if (!codes.includes(swing.code))
        ctx.addIssue({
          code: 'custom',
          path: ['currencySwings', i, 'code'],
          message: `unknown currency ${swing.code}`,
        });
    });
    const mix = options.payers.mix;
    if (mix['on-time'] + mix.late + mix['very-late'] + mix.never === 0)
      ctx.addIssue({ code: 'custom', path: ['payers', 'mix'], message: 'payer mix weights sum to 0' });
    const cycles = options.services.cycleMix;
    if (CYCLES.every((c) => cycles[c] === 0))
      ctx.addIssue({ code: 'custom', path: ['services', 'cycleMix'], message: 'cycle mix weights sum to 0' });
  });

/** The options as a caller writes them (every key optional). */
export type WorldOptionsInput = z.input<typeof worldOptionsSchema>;
/** The options with every default filled in. */
export type WorldOptions = z.output<typeof worldOptionsSchema>;

function addMonthsText(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * A date 75% into the history: where presets put their shock. A backtest scores its last 24
 * origins after 12 warm-up ones (the last 36 months of a 7-year history start at 57 %): at 75 %
 * the scored origins see the months before the shock, the shock arriving unannounced, and the
 * year of renewals repricing after it. (At 60 % the shock fell in the warm-up, and by the first
 * scored origin the annual renewals had almost all repriced: the regime barely showed.)
 */
function shockDate(input: WorldOptionsInput): string {
  const start = input.start ?? '2019-01-01';
  const years = input.years ?? 7;
  return addMonthsText(start, Math.round(years * 12 * 0.75));
}

/**
 * Regimes (issue 13's targets): each is a partial options object applied under the caller's keys.
 * Shocks are dated 75% into the history (see shockDate) so backtests see before and after.
 * The currency swing moves the currency most of the cash is billed in (figures stay per
 * currency, so a swing of a minor currency would leave the headline currency's cash untouched):
 * with automatic product prices, new orders in EUR cost 25 % more EUR after it.
 */
export const WORLD_PRESETS: Readonly<
  Record<WorldPresetName, (input: WorldOptionsInput) => WorldOptionsInput>
> = {
  stable: () => ({}),
  growing: () => ({ acquisition: { monthlyRate: 0.02, growth: 0.35 } }),
  shrinking: () => ({ acquisition: { monthlyRate: 0.012, growth: -0.35 } }),
  'price-rise': (input) => ({ priceChanges: [{ date: shockDate(input), percent: 12, appliesTo: 'all' }] }),
  'currency-swing': (input) => ({
    currencies: [
      { code: 'USD', prefix: '$', suffix: ' USD', share: 0.3, rate: 1, volatility: 0 },
      { code: 'EUR', prefix: '€', suffix: ' EUR', share: 0.6, rate: 0.92, volatility: 0.08 },
      { code: 'GBP', prefix: '£', suffix: ' GBP', share: 0.1, rate: 0.79, volatility: 0.08 },
    ],
    currencySwings: [{ code: 'EUR', from: shockDate(input), days: 120, percent: 25 }],
    autoUpdateProductPrices: true,
  }),
  'fields-7x': () => ({ fieldSet: '7.x' }),
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge where `over` wins; arrays are replaced, not merged. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prior = out[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) ? merge(prior, value) : value;
  }
  return out;
}

/**
 * Applies the preset (if any) under the given keys, then validates and fills defaults.
 * Throws a ZodError naming the bad key.
 * @example
 * const options = resolveWorldOptions({ preset: 'growing', clients: 2000, seed: 7 });
 */
export function resolveWorldOptions(input: WorldOptionsInput = {}): WorldOptions {
  const preset = input.preset ? WORLD_PRESETS[input.preset](input) : {};
  return worldOptionsSchema.parse(merge(preset as Record<string, unknown>, input as Record<string, unknown>));
}

/**
 * Reads a JSON file holding a world options object (the same shape as `generateWorld`'s input).
 * @example
 * const world = generateWorld(loadWorldOptions('world.json'));
 */
export function loadWorldOptions(path: string): WorldOptions {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${path}: not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw new TypeError(`${path}: expected a JSON object of world options`);
  return resolveWorldOptions(parsed as WorldOptionsInput);
}
