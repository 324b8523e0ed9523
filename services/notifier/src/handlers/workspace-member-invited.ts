import type { Event } from '@herald/contracts';
import { inviteNotifications } from '../domain/builders.js';
import { deliver } from '../domain/deliver.js';
import type { NotifierPorts } from '../domain/ports.js';

/** An invitee who already has an account also sees the invite in-app. */
export async function onWorkspaceMemberInvited(
  event: Event<'workspace.member-invited'>,
  ports: NotifierPorts,
): Promise<void> {
  await deliver(inviteNotifications(event, ports.now()), ports);
}
