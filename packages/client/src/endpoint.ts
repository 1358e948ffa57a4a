/**
 * Resolves what a user pasted (the WHMCS root, a page under it, or the full `api.php` URL,
 * in a subdirectory or not, with or without a trailing slash) to the `includes/api.php`
 * endpoint, never appending the path twice.
 *
 * @example resolveApiUrl('https://example.com/billing/') // https://example.com/billing/includes/api.php
 */
export function resolveApiUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new TypeError(
      'url: not a valid URL; give the WHMCS root (https://billing.example.com/) or its includes/api.php URL',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`url: the scheme must be https: (or http:), not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new TypeError('url: must not carry a user name or password; pass credentials separately');
  }
  url.hash = '';
  url.search = '';
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/includes\/api\.php$/i.test(path)) {
    // already the endpoint
  } else if (/\/includes$/i.test(path)) {
    path += '/api.php';
  } else {
    // A page under the root (clientarea.php, index.php): its folder is the root.
    if (/\.php$/i.test(path)) path = path.replace(/\/[^/]*$/, '');
    path += '/includes/api.php';
  }
  url.pathname = path;
  return url;
}
