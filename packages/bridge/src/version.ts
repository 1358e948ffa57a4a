/** The bridge's version: in `--version`, the OpenAPI document and the User-Agent WHMCS sees. */
export const VERSION = '0.1.0';
