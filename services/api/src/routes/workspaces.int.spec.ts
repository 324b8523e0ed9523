import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createHarness,
  inviteToken,
  publicUrl,
  workspaceWith,
  type Harness,
} from '../../test/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('POST /workspaces', () => {
  it('creates the workspace with a key from its name, the creator as owner, and workspace.created', async () => {
    const ada = await h.account('ada', 'Ada Lovelace');
    const created = await h.call('POST', '/workspaces', ada.accessToken, { name: 'Web Site' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Web Site', key: 'WS', createdBy: ada.id });
    expect(await h.events('workspace.created')).toEqual([
      {
        workspaceId: created.body.id,
        name: 'Web Site',
        owner: { userId: ada.id, name: 'Ada Lovelace', email: ada.email },
      },
    ]);
    const members = await h.call('GET', `/workspaces/${created.body.id}/members`, ada.accessToken);
    expect(members.body.members).toEqual([
      expect.objectContaining({ userId: ada.id, handle: 'ada', role: 'owner' }),
    ]);
  });

  it("picks a key the creator's other workspaces do not use, or takes the one given", async () => {
    const ada = await h.account('ada');
    const keys = [];
    for (const body of [
      { name: 'Web Site' },
      { name: 'Web Site' },
      { name: 'Other', key: 'ops' },
    ]) {
      keys.push((await h.call('POST', '/workspaces', ada.accessToken, body)).body.key);
    }
    expect(keys).toEqual(['WS', 'WSE', 'OPS']);
  });
});

describe('invites', () => {
  it('invites an e-mail with a single-use link under PUBLIC_URL, naming an existing account', async () => {
    const ada = await h.account('ada', 'Ada Lovelace');
    const bob = await h.account('bob');
    const ws = await workspaceWith(h, ada);
    const invited = await h.call('POST', `/workspaces/${ws.id}/invites`, ada.accessToken, {
      email: 'Bob@Example.test',
    });
    expect(invited.status).toBe(201);
    const [event] = await h.events('workspace.member-invited');
    const { acceptUrl, ...rest } = event ?? { acceptUrl: '' };
    expect(rest).toEqual({
      workspaceId: ws.id,
      workspaceName: 'Web Site',
      inviteId: invited.body.id,
      email: 'bob@example.test',
      invitedBy: { userId: ada.id, name: 'Ada Lovelace' },
      existingUserId: bob.id,
    });
    expect(acceptUrl).toMatch(new RegExp(`^${publicUrl}/invites/[\\w-]{43}/accept$`));
    // Only the hash is kept in the invite itself.
    const token = /invites\/([\w-]+)\/accept/.exec(acceptUrl)?.[1] ?? '';
    const stored = await h.db.collection('invites').findOne({}, { projection: { outbox: 0 } });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((stored?.expiresAt as Date).getTime() - (stored?.createdAt as Date).getTime()).toBe(
      7 * 86_400_000,
    );
  });

  it('leaves existingUserId out for an address without an account', async () => {
    const ada = await h.account('ada');
    const ws = await workspaceWith(h, ada);
    await inviteToken(h, ws.id, ada, 'newcomer@example.test');
    const [event] = await h.events('workspace.member-invited');
    expect(event).not.toHaveProperty('existingUserId');
  });

  it('lets members invite and refuses outsiders (403) and already-members (409)', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    const eve = await h.account('eve');
    const ws = await workspaceWith(h, ada, [bob]);
    const invite = (who: string, email: string) =>
      h.call('POST', `/workspaces/${ws.id}/invites`, who, { email });
    expect((await invite(bob.accessToken, 'carol@example.test')).status).toBe(201);
    expect((await invite(eve.accessToken, 'carol@example.test')).status).toBe(403);
    expect((await invite(ada.accessToken, bob.email)).status).toBe(409);
  });
});

describe('POST /invites/:token/accept', () => {
  it('makes the invitee a member and publishes workspace.member-joined', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob', 'Bob Builder');
    const ws = await workspaceWith(h, ada);
    const token = await inviteToken(h, ws.id, ada, bob.email);
    const accepted = await h.call('POST', `/invites/${token}/accept`, bob.accessToken);
    expect(accepted).toMatchObject({
      status: 200,
      body: { joined: true, workspace: { id: ws.id } },
    });
    expect(await h.events('workspace.member-joined')).toEqual([
      {
        workspaceId: ws.id,
        workspaceName: 'Web Site',
        member: { userId: bob.id, email: bob.email, name: 'Bob Builder' },
      },
    ]);
    const members = await h.call('GET', `/workspaces/${ws.id}/members`, bob.accessToken);
    expect(members.body.members?.map((m) => m.handle)).toEqual(['ada', 'bob']);
  });

  it('refuses someone signed in with another e-mail (403)', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    const eve = await h.account('eve');
    const ws = await workspaceWith(h, ada);
    const token = await inviteToken(h, ws.id, ada, bob.email);
    const stolen = await h.call('POST', `/invites/${token}/accept`, eve.accessToken);
    expect(stolen).toMatchObject({ status: 403, body: { error: 'HERALD_FORBIDDEN' } });
    expect((await h.call('GET', `/workspaces/${ws.id}/members`, eve.accessToken)).status).toBe(403);
  });

  it('answers a used invite with 410 and publishes no second join', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    const ws = await workspaceWith(h, ada);
    const token = await inviteToken(h, ws.id, ada, bob.email);
    expect((await h.call('POST', `/invites/${token}/accept`, bob.accessToken)).status).toBe(200);
    const again = await h.call('POST', `/invites/${token}/accept`, bob.accessToken);
    expect(again).toMatchObject({ status: 410, body: { error: 'HERALD_GONE' } });
    expect(await h.events('workspace.member-joined')).toHaveLength(1);
  });

  it('answers an expired invite with 410', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    const ws = await workspaceWith(h, ada);
    const token = await inviteToken(h, ws.id, ada, bob.email);
    h.setClock(new Date(Date.now() + 7 * 86_400_000 + 1_000));
    const late = await h.call('POST', `/invites/${token}/accept`, bob.accessToken);
    expect(late).toMatchObject({ status: 410, body: { message: 'this invite has expired' } });
  });

  it('is idempotent for someone who is a member already: 200, joined false, no event', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    const ws = await workspaceWith(h, ada, [bob]);
    const second = await inviteToken(h, ws.id, ada, 'bob-other@example.test');
    // A second invite to bob's address (made before he joined, say) still changes nothing.
    await h.db.collection('invites').updateMany({}, { $set: { email: bob.email } });
    const accepted = await h.call('POST', `/invites/${second}/accept`, bob.accessToken);
    expect(accepted).toMatchObject({ status: 200, body: { joined: false } });
    expect(await h.events('workspace.member-joined')).toHaveLength(1);
  });

  it('answers an unknown token with 404 and a malformed one with 400', async () => {
    const ada = await h.account('ada');
    expect(
      (await h.call('POST', `/invites/${'a'.repeat(43)}/accept`, ada.accessToken)).status,
    ).toBe(404);
    const malformed = await h.call('POST', '/invites/short/accept', ada.accessToken);
    expect(malformed).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/malformed invite token/) as string },
    });
  });
});

describe('GET /workspaces/:id/members', () => {
  it('lists members with their handles, earliest first, for members only', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    const eve = await h.account('eve');
    const ws = await workspaceWith(h, ada, [bob]);
    const list = await h.call('GET', `/workspaces/${ws.id}/members`, ada.accessToken);
    expect(list.body.members).toEqual([
      expect.objectContaining({ userId: ada.id, role: 'owner', email: ada.email }),
      expect.objectContaining({ userId: bob.id, role: 'member', handle: 'bob' }),
    ]);
    expect((await h.call('GET', `/workspaces/${ws.id}/members`, eve.accessToken)).status).toBe(403);
  });
});
