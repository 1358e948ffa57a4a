/*
 * The method's tunable parameters, with the values chosen on the training half of the seeded
 * worlds (see BENCHMARKS.md). Changing one changes `METHOD_VERSION`.
 */

export interface ModelParams {
  /**
   * History the delay model learns from (days of due dates before the origin), and the window of
   * the renewal evidence. 730 until 1.10.0; training worlds (12, 24 origins), mean WAPE at 1/3/12
   * months: 1,000 clients 12.17/15.66/16.06 % at 730, 12.24/15.32/15.75 at 1095, 12.17/15.25/15.88
   * at 1460, 12.31/15.50/17.32 at 365; 4,000 clients 6.80/8.05/8.27 at 730, 6.76/7.86/7.90 at 1095.
   * Three years give the annual and longer cycles three renewals' worth of evidence where two gave
   * two; the hazards change little (payment behaviour drifts slowly in these worlds).
   */
  trainingDays: number;
  /** Months of first invoices (new business) whose mean forecasts future new business. */
  otherWindowMonths: number;
  /** Bound on the monthly growth of new business carried forward (a ratio, both ways). */
  maxMonthlyGrowth: number;
  /** Share of the measured year-over-year growth of new business carried forward (log scale). */
  growthWeight: number;
  /**
   * Shrinks that growth by its own noise (cash-forecast.ts): a stable business's lucky or unlucky
   * year is no trend. Training worlds (12, 1,000 clients, 24 origins), median WAPE 1/3/12 months:
   * carried in full 16.2/15.4/15.1 %, shrunk 15.8/15.0/13.9 %, halved 15.4/14.5/14.1 % (but the
   * growing worlds' 12-month WAPE 8.3 -> 11.8 %; shrunk 8.5 %), dropped 14.7/14.0/15.1 %.
   * Bounding the months over which it compounds (for the seed-4 stable worlds' -3 %/month read
   * compounded over 12-18 months) was tried on the training worlds and rejected (1.4.0): capped
   * at 6 months the stable worlds' 12-month WAPE moved 16.74 -> 16.72 % and 13.89 -> 13.79 %, and
   * growing #1's went 8.5 -> 14.6 % (bias -6 -> -15 %); capped at 12 months, 8.5 -> 11.1 %.
   */
  growthShrink: boolean;
  /**
   * Pseudo-members pulling a thin renewal rate toward its cycle's pooled rate (and a size bin's
   * share of first invoices renewing toward its cycle's). 4 until 1.10.0; with trainingDays 1095,
   * 12 gave 12.21/15.23/15.77 % at 1,000 clients (4: 12.24/15.32/15.75) and 6.75/7.83/7.86 % at
   * 4,000 (4: 6.76/7.86/7.90); alone (trainingDays 730), 12.10/15.56/16.05 %, and 1 12.24/15.77/16.11 %.
   */
  renewalPrior: number;
  /** Puts the seasonality of the last two years back into new business. */
  seasonalOther: boolean;
  /**
   * The seasonal index of new business read from `seasonYears` whole years, each month over its
   * year's mean on the growth's trend line, shrunk toward none by how much of the months' spread
   * their own noise explains (seasonality.ts), instead of the last two years' halved toward none.
   * Found at 4,000 clients (training worlds, `pnpm split --clients 4000`): new business was 24 %
   * short at month 1 and 13.5 % short at month 3 in every regime, stable ones too; its billing by
   * month against the generator's orders, add-funds, upgrades and mass payments was -9.6 / +0.7 /
   * -8.1 % at months 1 / 2 / 3 (origins every other month: the strong months short, the weak ones
   * not), the history the level was read from within 1 %. The generator's season (1.45 in January
   * to 0.7 in August and December, a hosting business's) was read at half its strength. With it,
   * new business at months 1 / 3 -24.0 / -13.5 -> -14.8 / -8.7 % (the rest at month 1 is mostly
   * when orders are paid: headHazard), the totals -1.8 / -2.4 -> +1.1 / -0.8 %. Mean WAPE at
   * 1 / 3 / 12 months (`pnpm tune`, 24 origins), 4,000 clients 6.79 / 7.97 / 7.99 -> 6.55 / 7.67 /
   * 8.00 % (4 years: 6.66 / 7.56 / 7.83; 2: 6.76 / 7.95 / 8.11; 5: 6.79 / 7.67 / 8.13), 1,000
   * clients 12.21 / 15.26 / 15.76 -> 12.16 / 15.25 / 15.73 % (a small business's months are mostly
   * noise, and the index stays near 1 there). With headHazard and headCash as well, 4,000 clients
   * 7.05 / 7.60 / 8.05 %; with cyclePaidShare 6.61 / 7.56 / 8.04 % (four years each): not taken.
   * Tests: seasonality.test.
   * Tried with it and not taken (8 Dec 2026, training worlds): the index read from the number of
   * first invoices, or from their number times the amount per invoice (new business's billing by
   * month against the generator's, at 4,000 clients, months 1-4 every other origin: amounts
   * -5.5 / +6.1 / -6.9 / +3.3 %, counts -10.1 / +8.7 / -8.0 / +5.9 %, both -7.3 / +6.7 / -7.3 /
   * +4.3 %: January's orders choose longer cycles, so its amounts run stronger than its count).
   * Read at every origin (`pnpm split` since 8 Dec), new business's billing at month 1 is right
   * within 1 % in total, but by calendar month still -6 % (January) to +22 % (August): the index of
   * three noisy years is still weaker than the generator's season. Growth shrunk by positive-part
   * James-Stein (max(0, 1 - var / g^2)) instead of g^2 / (g^2 + var): mean WAPE 1/3/12 at 1,000
   * clients 12.17/15.19/15.75 %, 4,000 6.54/7.67/8.05 % (noise level). A first invoice renewed at
   * shorter cycles given the share of those renewed at the same shorter cycles (not only "at one"),
   * for the multi-service orders whose biennial and triennial renewals come after a domain's
   * annual one: month-1 renewals +13.0 -> +10.6 %, but 12.13/15.23/15.75 and 6.51/7.77/8.19 %.
   * Left to mend: the index depends on a month's place relative to T (stable and fields-7x, 4,000
   * clients, averaged over origins: 1.04 at month 1, 0.96 at month 12; new business's billing +2.7
   * -> -6.1 % from month 1 to 12, flat at about -1.5 % under 1.12.0). Causes: the growth division
   * (the counts' growth, which the amounts within a year do not show) and renewals of series begun
   * before the history, which start series in the three years' oldest (issued ahead of their due
   * date). Removing either scored no better on the training worlds (BENCHMARKS.md, 1.13.0).
   */
  seasonBayes: boolean;
  /** Whole years the seasonal index reads with seasonBayes (three: the model's training history). */
  seasonYears: number;
  /** Simulation draws for the intervals. */
  draws: number;
  /** Widens (>1) or narrows the simulated spread: calibrated on the training worlds. */
  intervalScale: number;
  /**
   * The quantile of the widenings past bands needed that widens the bands served
   * (interval-calibration.ts), interpolated at (n + 1) level among n known factors. At the nominal
   * 0.8 the twelve training worlds' median coverage was 87.8 % (method 1.5.0): the errors of the
   * early (warm-up) origins, which a thinner history makes larger, widen the later bands more
   * than those need. 0.75 covered 81.5 % there. (1.3.0 served 0.7 with the conformal ceil(n + 1)
   * rank, tuned on the seed-shared worlds of then, and covered 66 % of the held-out ones.)
   */
  intervalLevel: number;
  /** Carries the mean drift of renewal amounts (plan changes) into renewals to come. */
  planDrift: boolean;
  /**
   * The invoices open at T are paid by hazards learned from invoices classed by their client's
   * history before them (delay-model.ts, classesBefore), not by the client's whole history.
   * Training worlds (12, 1,000 clients, 12 origins each), cash of the invoices open at T against
   * actuals, months 1 / 2 / cumulative 6: +9.8 / -14.8 / +6.5 % whole, +4.8 / -5.9 / +3.5 % before
   * (class 0 with its own hazard; +5.4 / -7.9 / +3.9 % pooled); 24 origins, mean WAPE at 1
   * month 13.1 -> 12.5 %, medians 1/3/12 13.7/16.0/17.8 -> 13.7/15.9/17.8 %.
   */
  classBefore: boolean;
  /**
   * The invoices open at T are paid in cash by hazards where an invoice settled by credit alone
   * (a mass payment, a credit balance) counts as never paid (its cash came as another invoice's,
   * a first invoice that new business carries), not left out. Training worlds (12 origins each),
   * cash of the invoices open at T against actuals, month 1 / cumulative 6: +4.8 / +3.5 % ->
   * +2.6 / +1.3 % (with classBefore); 24 origins, mean WAPE at 1 month 12.5 -> 12.4 %, median
   * 13.7 -> 13.2 %. For renewals to come it lowered the 12-month forecast by 5-8 % (a renewal's
   * chance of being paid compounds along its series, where credit settles it as well as cash).
   *
   * Both off. Scored together on the held-out worlds (6 Dec 2026, as 1.7.0): median WAPE at 1
   * month 13.5 -> 13.9 % (mean 13.40 -> 13.36 %), 3 and 12 months unchanged, model error against
   * the futures' mean at 1 month 5.9 -> 6.9 %, and the 1M-invoice forecast 1.38-1.55 -> 1.68-2.12 s
   * wall (the second set of class hazards). They mend the open part (tests: payer-classes.test),
   * but its over-forecast was offsetting the new business's under-forecast: over the training
   * worlds at month 1, first invoices issued after T (orders, add-funds, mass payments, upgrades)
   * brought 8,835 (millions, summed over 12 worlds and 11 origins), new business was forecast at
   * 6,743 (-24 %), renewals +15 %, open invoices +3 % (with these on). Paying new business by a
   * hazard of first invoices alone closed a third of that gap but raised the 1-month WAPE (mean
   * 12.4 -> 12.9 %). Turn these on with a fix of new business, not before (headHazard and
   * headCash below are half of one).
   *
   * Both on since 1.9.0, with new business read from counts (growthFromCounts, 1.8.0): over the
   * training worlds at month 1 (`pnpm split`) open invoices +10.7 -> +3.3 %, the total +2.2 ->
   * -0.8 % (renewals +10.1 % and new business -18.5 % still offset each other); 24 origins, mean
   * WAPE at 1/3/12 months 12.90/15.55/16.06 -> 12.17/15.66/16.06 % (1 month lower in 10 of 12
   * worlds, the mean 1-month bias +3.2 -> -0.1 %); the 1M-invoice forecast 1.29-1.36 ->
   * 1.40-1.76 s wall. A finance person reads the open invoices' part on its own: it must not be
   * a tenth over to make up for another part.
   */
  creditAsNever: boolean;
  /**
   * First invoices (new business to come and first invoices open at T) are paid by hazards learned
   * from first invoices, renewals by hazards of renewals (tests: payer-classes.test, new
   * business). Pooled, the orders paid on the day they are placed were paid at the pace of the
   * overdue renewals in the risk set: over the training worlds at month 1, 80 % of a month's new
   * business was placed in that month against 93 % actual.
   */
  headHazard: boolean;
  /**
   * New business carries the cash share of first invoices (about 0.98 of gross), renewals that of
   * renewals, instead of one share of both (about 0.96, lowered by renewals settled by credit).
   *
   * headHazard and headCash, off. Over the training worlds (12, 1,000 clients), month 1, the
   * forecast's parts against what the generator knows made the month's cash (`pnpm split`):
   * open / renewals / new business / total +10.7 / +10.1 / -20.7 / +1.6 % with all four off,
   * +0.7 / +5.9 / -8.8 / -0.4 % with classBefore, creditAsNever, headHazard and headCash on. But
   * the mean WAPE at 1 / 3 / 12 months (`pnpm tune`, 24 origins) went 13.11 / 15.93 / 16.87 ->
   * 12.68 / 16.21 / 17.03 % (the two alone: 13.54 / 16.12 / 17.03 %), the 12-month bias more
   * negative. What is left: renewals +6 % at month 1 come from first invoices' renewals projected
   * (projectHead): first renewals in month 1, method against actual (millions, 12 worlds, 12
   * origins), monthly 163 / 104, annual 1,314 / 1,079, triennial 477 / 322, while the renewals of
   * series (tails) were right within 1 %. Add-funds, upgrade and mass-payment first invoices are
   * given renewal shares by their size bin: mend that, then score all four together.
   *
   * Tried again as 1.11.0 (not adopted, below). Why the invoices open at T were still 4 % over at
   * month 1 with classBefore and creditAsNever (7 Dec 2026, training worlds, 12 origins each, the
   * open part split by what the generator knows): not the payer classes. Given the generator's own
   * payer types as classes, the open part was 5 % over; the very late payers' invoices not yet due
   * at T were expected 37 % paid within the month against 8 % (the generator's lognormal of median
   * 45 days says 9 %). A pooled hazard puts the first invoices, orders due on the day they are
   * placed and paid within a day or two, in the same risk set as the renewals on the days around
   * their due date: a late payer's renewal is then paid at the orders' pace there. With the
   * members' hazard alone, the same invoices came out 39 against 32 (millions). (Classing training
   * invoices by outcomes as known on their own due dates moved the open part +4.1 -> +4.0 %; by the
   * client's other invoices, whole history, +6.1 %; thin classes merged with their neighbour
   * +3.9 %: none kept.)
   * The parts against the generator's (`pnpm split`), months 1 / 3 / 6 / 12, 1.10.0 -> 1.11.0
   * (these two and cyclePaidShare): open +4.1 / -7.6 / - / - -> +2.0 / -4.9 / - / - %, renewals
   * +8.2 / +1.0 / -2.3 / -3.7 -> +3.2 / -1.4 / -3.6 / -4.8 %, new business -18.3 / -7.9 / -2.4 /
   * -0.7 -> -6.8 / -3.3 / +1.1 / +2.2 %, total -1.0 / -1.8 / -2.4 / -2.5 -> -0.2 / -2.0 / -2.0 /
   * -2.1 %. Mean WAPE 1/3/12 months (`pnpm tune`, 24 origins) 12.21/15.24/15.76 ->
   * 12.29/15.25/16.06 % (these two alone 12.29/15.28/15.85), median coverage 77.9 -> 79.3 %: within
   * the worlds' noise, two worlds' 12-month WAPE up by 2 points (price-rise #4001, fields-7x
   * #6003), one down by 1. Each part is nearer what it stands for, where the total was right by
   * offsetting parts (a finance person reads them apart), so the three were scored together on the
   * held-out worlds once, as 1.11.0 (7 Dec 2026), and NOT adopted: mean WAPE at 1/3/6/12 months
   * 12.94/14.33/14.83/15.50 -> 13.28/14.67/15.13/15.53 % (medians 1/3/12 13.2/14.1/16.2 ->
   * 13.4/14.2/13.9 %), model error against the futures' mean 7.3/7.6/5.7/10.3 ->
   * 6.7/8.4/5.6/10.5 %, a benchmark served in one world (shrinking #3002), and the 1M-invoice
   * forecast 5-10 % slower (side by side, four runs each: 2.11-2.34 s against 1.96-2.43 s wall;
   * two more sets of class hazards).
   * Turn them on with a fix of what they uncover, not before: new business still short at month 1
   * (-6.8 %) and the first renewals of annual orders short at 12 months (cyclePaidShare).
   */
  headCash: boolean;
  /**
   * Growth of new business read from the number of first invoices, shrunk by its Poisson noise
   * (1/n1 + 1/n2), instead of from their amount (shrunk by the months' spread, `growthShrink`,
   * which then applies only without counts). A few triennial orders decide a month's amount, so
   * read from amounts the rate was shrunk to almost nothing in growing worlds too: at 12 months
   * new business came out 11 % under what the generator knows it brought, renewals of services
   * ordered by T right within 1 % (`pnpm split --month 12`). Training worlds (12, 24 origins),
   * mean WAPE 1/3/12 months 13.11/15.93/16.87 -> 12.90/15.55/16.06 %, mean 12-month bias -1.5 ->
   * +0.3 %; held-out worlds, scored once as 1.8.0: means 13.31/14.77/16.13 -> 13.08/14.51/15.88 %
   * (BENCHMARKS.md). Unshrunk: 12.92/15.62/16.02 % on the training worlds.
   */
  growthFromCounts: boolean;
  /**
   * A series' renewals to come are paid, and their chain compounded (a cancelled member seldom
   * renews), at the share by amount of its own cycle's members paid for its client's payer class
   * (members classed by the history before each, shrunk toward the cycle's share by renewalPrior
   * members), the class's hazard saying only when; not at the class's P(paid) pooled over every
   * cycle. Pooled, that share is set by the annual invoices, where a churning client cancels one
   * invoice in one: a monthly series bills twelve a year, and its members are paid far more
   * surely. Compounded twelve times, the pooled share put a monthly series' renewals at 12 months
   * 36 % under what the generator knows they brought (with headHazard; `pnpm split --month 12
   * --cycles`, training worlds), 9.8 % under with it; by cycle, quarterly 0.0 -> +9.3, semiannual
   * -0.2 -> -5.4, annual -2.5 -> -4.3, biennial +16.7 -> +7.8, triennial -13.7 -> -14.2 %; the
   * renewals together -6.0 -> -4.8 %, the total -3.6 -> -2.1 %. Tests: payer-classes.test (a
   * monthly series beside annual ones 40 % unpaid: within 5 % of the truth, 0.67 of it without).
   * What is left at 12 months (7 Dec 2026): the first renewals of annual orders (projectHead)
   * came out under what the generator billed (its size bins mix annual orders, 80 % of which
   * renew, with monthly orders, add-funds and mass payments), while the series' last members'
   * chance of renewing was right by count and by amount (4,882 against 4,943 millions). Off:
   * scored with headHazard and headCash as 1.11.0 and not adopted (see headCash).
   */
  cyclePaidShare: boolean;
  /**
   * A series' next amount is the median of its last three members each brought to today's prices
   * by the price index since its own bill, instead of the median of their amounts brought forward
   * by the index since the latest one's. After a rise applied to existing services, a series'
   * latest member shows the new price and the two before it the old: their median was the old
   * price, and the index since the latest bill (a month or two) said nothing had moved, so the
   * series renewed at the old price until two members had the new one (tests: renewal-timing).
   * Found on the price-rise training worlds, whose renewals at 12 months came out 19 % under
   * (annual -24 %, against the stable worlds' -0.3 %): -18.8 -> -15.9 % (annual -20.0 %; most of
   * what is left is origins before the rise, which nothing before it can show); every training
   * world, renewals / total at 12 months -3.7 / -2.5 -> -3.2 / -2.2 %; 12-month bias of the
   * price-rise worlds -1.9 / -10.9 -> +0.2 / -8.9 %; mean WAPE 1/3/12 months 12.21/15.24/15.76 ->
   * 12.21/15.26/15.76 % (24 origins).
   */
  priceMedian: boolean;
}

export const DEFAULT_PARAMS: ModelParams = {
  trainingDays: 1095,
  otherWindowMonths: 12,
  maxMonthlyGrowth: 0.03,
  growthWeight: 1,
  growthShrink: true,
  renewalPrior: 12,
  seasonalOther: true,
  seasonBayes: true,
  seasonYears: 3,
  draws: 500,
  intervalScale: 1,
  intervalLevel: 0.75,
  planDrift: true,
  classBefore: true,
  creditAsNever: true,
  headHazard: false,
  headCash: false,
  growthFromCounts: true,
  cyclePaidShare: false,
  priceMedian: true,
};

export const METHOD_NAME = 'invoice-hazard-renewals';
/**
 * 1.5.0: a series' next invoice is expected on its own lead (a short lead, an invoice held back,
 * counts as its cycle's), a renewal not issued by then is weighed by the chance of a later lead
 * and paid from T + 1 (first invoices too, by their cycles' leads); renewals are repriced by an
 * index of how recently billed series' prices moved since each was billed; bands widen by the
 * interpolated 0.75 quantile of past needs.
 * 1.6.0: series detection links an order of several services to each service's first renewal
 * and a renewal to the member of about its own amount first (97 % of renewal amount linked right
 * on the training worlds, against 90 %); a first invoice's renewals still to come are expected
 * cycle by cycle, given whether it renewed at a shorter one; renewals to come carry the mean
 * drift of plan changes (upgrades, downgrades) per renewal.
 * 1.6.1: a member of another amount continues a series only on its own day a cycle later (or at
 * a month's end): add-funds, upgrade and mass-payment invoices within +-3 days of a client's last
 * invoice were linked as its renewals (28, 18 and 25 % of their amounts on the training worlds).
 * (classBefore and creditAsNever, off until 1.9.0: see their notes.)
 * 1.7.0: classBefore and creditAsNever on, scored once on the held-out worlds and not adopted.
 * 1.8.0: the growth of new business is read from the number of first invoices (growthFromCounts).
 * 1.9.0: classBefore and creditAsNever on (the invoices open at T, no longer a tenth over at month 1).
 * 1.10.0: three years of history instead of two (trainingDays 1095) and renewal rates shrunk by 12
 * pseudo-members instead of 4 (renewalPrior).
 * 1.11.0 (headHazard, headCash and cyclePaidShare on) scored once on the held-out worlds and not
 * adopted (see headCash).
 * 1.12.0: a series' median amount is taken at today's prices, each member by the index since its
 * own bill (priceMedian).
 * 1.13.0: the season of new business read from three whole years, shrunk by its own noise
 * (seasonBayes), not the last two years' halved.
 */
export const METHOD_VERSION = '1.13.0';
