// Probe (not committed): annual series' last members due in T's month: method's p1 against whether the truth's series renewed.
import { monthOfDay, originsBefore, runForecast } from '../src/index.ts';
import { TRAINING_KS, worldsOf } from './seeds.ts';
import { worldAtEnd } from './world-ledger.ts';
type A = { gp1: number; gren: number; amtp1: number; nextGross: number; n: number; p1: number; renewed: number; q: number; r: number; rp: number; sameSeries: number; paidLater: number };
const agg = new Map<string, A>();
const add = (k: string, f: (a: A) => void) => { const a = agg.get(k) ?? { gp1: 0, gren: 0, amtp1: 0, nextGross: 0, n: 0, p1: 0, renewed: 0, q: 0, r: 0, rp: 0, sameSeries: 0, paidLater: 0 }; f(a); agg.set(k, a); };
for (const w of worldsOf(TRAINING_KS, 1000).filter((w) => !process.env.PRESET || w.preset === process.env.PRESET)) {
  const { world, dataAsOf, ledger, currency } = worldAtEnd(w);
  const c = world.columns;
  const members = new Map<number, number[]>();
  for (const i of [...ledger].sort((a, b) => (a.due ?? 0) - (b.due ?? 0) || a.id - b.id)) {
    const s = c.series[i.id] as number;
    if (s >= 0) (members.get(s) ?? members.set(s, []).get(s)!).push(i.id);
  }
  const byId = new Map(ledger.map((i) => [i.id, i]));
  const origins = originsBefore(dataAsOf, 24);
  for (let k = 0; k + 12 <= 23; k += 2) {
    const t = origins[k] as number;
    (globalThis as any).__members = [];
    (globalThis as any).__want = `world ${currency}`;
    runForecast(ledger, { asOf: t, dataAsOf, months: 12, weeks: 1 });
    const mT = monthOfDay(t);
    let am = 0, nb = 0, cr = 0;
    for (const h of (globalThis as any).__members as Array<Record<string, any>>) {
      const inv = byId.get(h.id);
      if (!inv || inv.due === null || monthOfDay(inv.due) !== mT) continue;
      const s = c.series[h.id] as number;
      const ms = s >= 0 ? members.get(s)! : [];
      const next = s >= 0 ? ms[ms.indexOf(h.id) + 1] : undefined;
      const renewed = next !== undefined ? 1 : 0;
      const fin = byId.get(h.id)!;
      const key = `${h.state} ${s >= 0 && c.cycle[h.id] === 12 ? 'truth c12' : `truth ${s >= 0 ? `c${c.cycle[h.id]}` : 'none'} ${['order', 'renewal', 'upgrade', 'add-funds', 'mass-pay'][c.kind[h.id] as number]}`}`;
      if (h.state === 'paid' && next !== undefined) { am += h.amount; const x = byId.get(next)!; nb += Number(x.subtotal) + Number(x.tax) + Number(x.tax2); cr = h.cashRatio; }
      for (const kk of [key, 'all']) add(kk, (a) => { a.n++; a.p1 += h.p1; a.gp1 += h.gross * h.p1; a.gren += h.gross * renewed; a.amtp1 += h.amount * h.p1; if (next !== undefined) { const x = byId.get(next)!; a.nextGross += Number(x.subtotal) + Number(x.tax) + Number(x.tax2); } a.renewed += renewed; a.q += h.q; a.r += h.r; a.rp += h.rp; a.paidLater += fin.paid !== null ? 1 : 0; });
    }
    if (process.env.PRESET) console.log(w.seed, new Date(t * 864e5).toISOString().slice(0, 10), 'paid renewed: amount', Math.round(am / 1e6), 'next billed', Math.round(nb / 1e6), 'cashRatio', cr.toFixed(3));
  }
}
console.table([...agg].sort().map(([k, a]) => ({ key: k, n: a.n, 'mean p1': (a.p1 / a.n).toFixed(3), 'renewed (truth)': (a.renewed / a.n).toFixed(3), 'mean q': (a.q / a.n).toFixed(3), 'paid eventually': (a.paidLater / a.n).toFixed(3), 'mean r': (a.r / a.n).toFixed(3), 'mean rate(paid)': (a.rp / a.n).toFixed(3), 'gross*p1': Math.round(a.gp1 / 1e6), 'gross*renewed': Math.round(a.gren / 1e6), 'amount*p1': Math.round(a.amtp1 / 1e6), 'next billed': Math.round(a.nextGross / 1e6) })));
