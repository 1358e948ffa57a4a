import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, Loadable } from './api.ts';
import type { ApiInfo, SourceList } from './types.ts';

export type PageId =
  | 'overview'
  | 'connections'
  | 'revenue'
  | 'invoices'
  | 'receivables'
  | 'forecast'
  | 'commitments';

export interface Route {
  page: PageId;
  params: Record<string, string>;
}

/** What every page gets from the mount element and the app shell. */
export interface ModuleContext {
  api: Api;
  version: string;
  canWrite: boolean;
  fiscalStart: number;
  /** Where the bundle's own files (the guide's drawings) are served from. */
  assetBase: string;
  sources: Loadable<SourceList>;
  reloadSources: () => void;
  apiInfo: Loadable<ApiInfo>;
  navigate: (route: Route) => void;
}

export const Ctx = createContext<ModuleContext | null>(null);

export function useModule(): ModuleContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useModule outside the app');
  return ctx;
}

/** Whether the bridge serves a path (from its /openapi.json); undefined while that is loading. */
export function useHasPath(path: string): boolean | undefined {
  const { apiInfo } = useModule();
  if (apiInfo.state !== 'ok') return undefined;
  return path in apiInfo.data.paths;
}
