import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The endpoint msw answers in tests; nothing listens on it. */
export const TEST_URL = 'https://whmcs.test/billing/';
export const TEST_ENDPOINT = 'https://whmcs.test/billing/includes/api.php';

/** A secret distinctive enough that finding it anywhere is a leak. */
export const SECRET = 'S3cr3t-Zebra-Quokka-7781';
export const ACCESS_KEY = 'AccessKey-Wombat-5521';

export interface Seen {
  params: URLSearchParams;
  method: string;
  contentType: string | null;
}

/** msw with `onUnhandledRequest: 'error'`, and a log of the form bodies it saw. */
export function useMsw() {
  const server = setupServer();
  const seen: Seen[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());

  /** Answers every call to the test endpoint with `respond(params, n)`. */
  function answer(respond: (params: URLSearchParams, n: number) => Response | Promise<Response>) {
    server.use(
      http.all(TEST_ENDPOINT, async ({ request }) => {
        const params = new URLSearchParams(await request.text());
        seen.push({ params, method: request.method, contentType: request.headers.get('content-type') });
        return respond(params, seen.length);
      }),
    );
  }
  return { server, seen, answer, http, HttpResponse };
}

/** A body as PHP's json_encode with the HEX flags writes it. */
export function phpJson(value: unknown, status = 200): Response {
  const body = JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/</g, '\\u003C')
    .replace(/>/g, '\\u003E')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
  return new Response(body, { status, headers: { 'content-type': 'application/json' } });
}
