import type { HeraldClient } from './api-client.js';
import { acceptPathMailedTo, verificationMailedVia } from './api-client.js';
import type { TestSmtpServer } from './smtp.js';

export type Person = Awaited<ReturnType<HeraldClient['signUp']>>;

/**
 * Signs up an owner and members (handle@example.test), each verified through the link e-mailed to
 * them, creates a workspace and has every member accept the invite e-mailed to them, as a user would.
 */
export async function workspaceWithMembers<const M extends readonly string[]>(
  api: HeraldClient,
  smtp: TestSmtpServer,
  handles: { readonly owner: string; readonly members: M },
  name = 'Ops',
): Promise<{ owner: Person; members: { [K in keyof M]: Person }; workspaceId: string }> {
  const signUp = (handle: string) =>
    api.signUp(
      { handle, name: handle, email: `${handle}@example.test` },
      { verify: verificationMailedVia(smtp) },
    );
  const [owner, ...members] = await Promise.all([handles.owner, ...handles.members].map(signUp));
  if (!owner) throw new Error('no owner');
  const { id: workspaceId } = await owner.api.expect<{ id: string }>(201, 'POST', '/workspaces', {
    name,
  });
  for (const member of members) {
    await owner.api.expect(201, 'POST', `/workspaces/${workspaceId}/invites`, {
      email: member.email,
    });
    await member.api.expect(200, 'POST', await acceptPathMailedTo(smtp, member.email));
  }
  return { owner, members: members as { [K in keyof M]: Person }, workspaceId };
}
