/** Where the API listens unless configured: loopback, so nothing outside this host reaches it. */
export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8787 } as const;
