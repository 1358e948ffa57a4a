import { runDemo } from './demo-command.ts';
import { isEntryPoint } from './entry-point.ts';
import { runOnce } from './main.ts';

/*
 * The CLI of a checkout (`pnpm start`, `pnpm bridge`): the shipped CLI plus the demo, which
 * needs the WHMCS simulator. The shipped bundle (src/cli/main.ts) holds no simulator code.
 */
if (isEntryPoint(import.meta.url)) runOnce({ demo: runDemo });
