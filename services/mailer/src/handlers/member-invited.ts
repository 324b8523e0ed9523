import type { Event } from '@herald/contracts';
import type { MailerPorts } from '../domain/ports.js';
import { inviteMail } from '../templates/invite.js';
import { deliver, renderOrFail } from './deliver.js';

/** The invited address gets the invite with its accept link. */
export async function onMemberInvited(
  event: Event<'workspace.member-invited'>,
  ports: MailerPorts,
): Promise<void> {
  const content = renderOrFail('invite', () => inviteMail(event.data));
  await deliver(event, [{ to: { email: event.data.email }, content }], ports);
}
