import './styles.css';
import { render } from 'preact';
import { createApi } from './api.ts';
import { App } from './app.tsx';
import { learnCurrency } from './format.ts';

/*
 * Mounts the module on the element the PHP page (or the preview) rendered. Everything the bundle
 * needs comes from that element's data attributes; no global of the host page is read.
 */

// The bundle's own URL, for the files beside it (the guide's drawings).
const script = document.currentScript as HTMLScriptElement | null;
const assetBase = script?.src ? script.src.replace(/[^/]*$/, '') : '';

function mount(): void {
  const root = document.getElementById('commitment-forecaster');
  if (!root) return;
  const data = root.dataset;
  try {
    const currencies = JSON.parse(data.currencies ?? '[]') as Array<{
      code: string;
      prefix: string;
      suffix: string;
    }>;
    for (const c of currencies) learnCurrency(c);
  } catch {
    // A settings problem in WHMCS must not stop the page: amounts then show their code.
  }
  const fiscalStart = Number(data.fiscalYearStart ?? '1');
  root.textContent = '';
  render(
    <App
      api={createApi(data.endpoint ?? '', data.csrf ?? '')}
      version={data.version ?? ''}
      canWrite={data.canWrite === 'true'}
      fiscalStart={fiscalStart >= 1 && fiscalStart <= 12 ? fiscalStart : 1}
      assetBase={assetBase}
    />,
    root,
  );
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);
else mount();
