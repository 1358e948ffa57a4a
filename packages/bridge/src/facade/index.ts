export {
  createFacade,
  type FacadeDeps,
  type FacadeEnv,
  LAST_SYNC_HEADER,
  MAX_PAGE_ROWS,
  STATE_HEADER,
} from './app.ts';
