import { signUnsubscribeToken } from '@herald/auth';
import type { MailSubscription } from './mail.js';
import type { UnsubscribeLinks } from './ports.js';

/**
 * RFC 8058 one-click unsubscribe headers for a non-transactional e-mail: the link (and a mailto:
 * when configured) in `List-Unsubscribe`, and `List-Unsubscribe-Post` telling mail clients they may
 * POST to it without showing the page.
 */
export function unsubscribeHeaders(
  subscription: MailSubscription,
  links: UnsubscribeLinks,
): Record<string, string> {
  const token = signUnsubscribeToken(links.secret, subscription);
  const url = `${links.publicUrl.replace(/\/+$/, '')}/unsubscribe/${token}`;
  const targets = [`<${url}>`];
  if (links.mailto) targets.push(`<mailto:${links.mailto}?subject=unsubscribe>`);
  return {
    'List-Unsubscribe': targets.join(', '),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
