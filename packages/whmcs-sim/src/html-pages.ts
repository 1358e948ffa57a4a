// What the stack in front of WHMCS answers on its own: Apache, nginx, Cloudflare. Not WHMCS answers.

const APACHE_404 = (path: string) =>
  `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL ${path.replace(/[<>&"]/g, '')} was not found on this server.</p>
<hr>
<address>Apache Server at billing.example.com Port 443</address>
</body></html>
`;

const APACHE_500 = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>500 Internal Server Error</title>
</head><body>
<h1>Internal Server Error</h1>
<p>The server encountered an internal error or
misconfiguration and was unable to complete
your request.</p>
<p>Please contact the server administrator at
 webmaster@billing.example.com to inform them of the time this error occurred,
 and the actions you performed just before this error.</p>
<p>More information about this error may be available
in the server error log.</p>
<hr>
<address>Apache Server at billing.example.com Port 443</address>
</body></html>
`;

const nginx = (title: string) =>
  `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

const CLOUDFLARE_BLOCK = (rayId: string) => `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="robots" content="noindex, nofollow" />
</head>
<body>
  <div id="cf-wrapper">
    <div id="cf-error-details" class="cf-error-details-wrapper">
      <div class="cf-wrapper cf-header cf-error-overview">
        <h1 data-translate="block_headline">Sorry, you have been blocked</h1>
        <h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> billing.example.com</h2>
      </div>
      <div class="cf-section cf-wrapper">
        <h2 data-translate="blocked_why_headline">Why have I been blocked?</h2>
        <p data-translate="blocked_why_detail">This website is using a security service to protect itself from online attacks. The action you just performed triggered the security solution.</p>
      </div>
      <div class="cf-error-footer cf-wrapper">
        <p>Cloudflare Ray ID: <strong class="font-semibold">${rayId}</strong></p>
      </div>
    </div>
  </div>
</body>
</html>
`;

function html(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/html; charset=UTF-8', ...headers },
  });
}

export function notFoundPage(path: string): Response {
  return html(APACHE_404(path), 404, { Server: 'Apache' });
}

export function proxyErrorPage(kind: 'html500' | 'html502' | 'html504' | 'waf403', index: number): Response {
  switch (kind) {
    case 'html500':
      return html(APACHE_500, 500, { Server: 'Apache' });
    case 'html502':
      return html(nginx('502 Bad Gateway'), 502, { Server: 'nginx' });
    case 'html504':
      return html(nginx('504 Gateway Time-out'), 504, { Server: 'nginx' });
    case 'waf403': {
      const rayId = `8f${(0x1a2b3c4d + index * 7919).toString(16)}a1b2c3d4`.slice(0, 16);
      return html(CLOUDFLARE_BLOCK(rayId), 403, { Server: 'cloudflare', 'CF-RAY': `${rayId}-AMS` });
    }
  }
}
