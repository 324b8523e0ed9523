import { linkToken, type LinkPurpose } from '@herald/auth';
import type { AccountLinks } from './ports.js';

/**
 * The page a verification or reset e-mail links to (the API names its pages by the purpose:
 * `/verify-email/<token>`, `/reset-password/<token>`), the token derived from the event's token id.
 */
export function accountLink(links: AccountLinks, purpose: LinkPurpose, tokenId: string): string {
  const token = linkToken(links.secret, purpose, tokenId);
  return `${links.publicUrl.replace(/\/+$/, '')}/${purpose}/${token}`;
}
