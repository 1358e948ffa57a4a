import { useEffect, useMemo, useState } from 'preact/hooks';
import { type Api, useOp } from './api.ts';
import { Ctx, type ModuleContext, type PageId, type Route } from './context.ts';
import { CommitmentsPage } from './pages/commitments.tsx';
import { ConnectionsPage } from './pages/connections.tsx';
import { InvoicesPage } from './pages/invoices.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { ForecastPage, ReceivablesPage } from './pages/pending.tsx';
import { RevenuePage } from './pages/revenue.tsx';

const PAGES: ReadonlyArray<{ id: PageId; title: string }> = [
  { id: 'overview', title: 'Overview' },
  { id: 'connections', title: 'Connections' },
  { id: 'revenue', title: 'Revenue' },
  { id: 'invoices', title: 'Invoices' },
  { id: 'receivables', title: 'Receivables' },
  { id: 'forecast', title: 'Forecast' },
  { id: 'commitments', title: 'Commitments' },
];

/** `#/invoices?currency=EUR` <-> a route; the hash keeps the page across reloads and in links. */
export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const page = PAGES.find((p) => p.id === path)?.id ?? 'overview';
  return { page, params: Object.fromEntries(new URLSearchParams(query)) };
}

export function routeHash(route: Route): string {
  const query = new URLSearchParams(route.params).toString();
  return `#/${route.page}${query ? `?${query}` : ''}`;
}

export interface AppProps {
  api: Api;
  version: string;
  canWrite: boolean;
  fiscalStart: number;
  assetBase: string;
}

export function App({ api, version, canWrite, fiscalStart, assetBase }: AppProps) {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [sources, reloadSources] = useOp(api, 'sources', {});
  const [apiInfo] = useOp(api, 'apiInfo', {});
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const ctx = useMemo<ModuleContext>(
    () => ({
      api,
      version,
      canWrite,
      fiscalStart,
      assetBase,
      sources,
      reloadSources,
      apiInfo,
      navigate: (next) => {
        history.pushState(null, '', routeHash(next));
        setRoute(next);
      },
    }),
    [api, version, canWrite, fiscalStart, assetBase, sources, reloadSources, apiInfo],
  );
  const bridgeVersion = apiInfo.state === 'ok' ? apiInfo.data.info.version : null;
  return (
    <Ctx.Provider value={ctx}>
      <div class="cf-app">
        <ul class="nav nav-tabs cf-tabs">
          {PAGES.map((p) => (
            <li key={p.id} class={route.page === p.id ? 'active' : undefined}>
              <a
                href={routeHash({ page: p.id, params: {} })}
                aria-current={route.page === p.id ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  ctx.navigate({ page: p.id, params: {} });
                }}
              >
                {p.title}
              </a>
            </li>
          ))}
        </ul>
        <div class="cf-page" data-page={route.page}>
          {route.page === 'overview' && <OverviewPage />}
          {route.page === 'connections' && <ConnectionsPage />}
          {route.page === 'revenue' && <RevenuePage />}
          {route.page === 'invoices' && <InvoicesPage key={routeHash(route)} initial={route.params} />}
          {route.page === 'receivables' && <ReceivablesPage />}
          {route.page === 'forecast' && <ForecastPage />}
          {route.page === 'commitments' && <CommitmentsPage tab={route.params.tab} />}
        </div>
        <p class="cf-footer small text-muted">
          Commitment Forecaster module {version}
          {bridgeVersion && `, bridge ${bridgeVersion}`}
          {!canWrite && '. Your role may look but not change anything.'}
        </p>
      </div>
    </Ctx.Provider>
  );
}
