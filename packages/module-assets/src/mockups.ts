import type { MockupId } from './ids.ts';
import { addAdminUserMockup } from './mockups/add-admin-user.ts';
import { apiRoleMockup } from './mockups/api-role.ts';
import { credentialCreatedMockup } from './mockups/credential-created.ts';
import { generateCredentialMockup } from './mockups/generate-credential.ts';
import { securityIpAllowlistMockup } from './mockups/security-ip-allowlist.ts';
import type { Mockup } from './schemas.ts';

/**
 * Drawings of every WHMCS screen the setup guide visits, each a standalone SVG with an accessible
 * title, keyed by the id the guide's image blocks use. The docs site writes each to
 * `${imageBase}/${id}.svg`.
 *
 * @example
 * writeFileSync(`public/mockups/api-role.svg`, mockups['api-role'].svg);
 */
export const mockups: Readonly<Record<MockupId, Mockup>> = {
  'add-admin-user': addAdminUserMockup,
  'api-role': apiRoleMockup,
  'generate-credential': generateCredentialMockup,
  'credential-created': credentialCreatedMockup,
  'security-ip-allowlist': securityIpAllowlistMockup,
};
