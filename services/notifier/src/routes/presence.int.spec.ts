import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aMemberJoined, aWorkspaceCreated, people } from '../../test/events.js';
import { badTokens, bearer, createHarness, tokenFor, type Harness } from '../../test/harness.js';
import { onWorkspaceCreated } from '../handlers/workspace-created.js';
import { onWorkspaceMemberJoined } from '../handlers/workspace-member-joined.js';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
  await onWorkspaceCreated(aWorkspaceCreated('w-1', people.ada), h.ports);
  await onWorkspaceMemberJoined(aMemberJoined('w-1', people.grace), h.ports);
  await onWorkspaceCreated(aWorkspaceCreated('w-2', people.linus), h.ports);
});

afterEach(async () => {
  await h.close();
});

async function presence(workspaceId: string, headers: Record<string, string> = {}) {
  const response = await h.app.inject({ url: `/workspaces/${workspaceId}/presence`, headers });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

describe('GET /workspaces/:id/presence', () => {
  it('answers a member with the members streaming now, and nobody yet', async () => {
    for (const member of [people.ada, people.grace]) {
      expect(await presence('w-1', bearer(await tokenFor(member.userId)))).toEqual({
        status: 200,
        body: { members: [] },
      });
    }
  });

  it('answers 403 to someone outside a known workspace', async () => {
    const answer = await presence('w-1', bearer(await tokenFor(people.linus.userId)));

    expect(answer).toMatchObject({ status: 403, body: { error: 'HERALD_FORBIDDEN' } });
  });

  it('answers 404 for a workspace no event named', async () => {
    const answer = await presence('w-unknown', bearer(await tokenFor(people.ada.userId)));

    expect(answer).toMatchObject({ status: 404, body: { error: 'HERALD_NOT_FOUND' } });
  });

  it('answers 401 without a token or with a bad one, before looking at the id', async () => {
    expect((await presence('w-1')).status).toBe(401);
    expect((await presence('x'.repeat(65))).status).toBe(401);
    for (const token of Object.values(await badTokens(people.ada.userId))) {
      expect((await presence('w-1', bearer(token))).status).toBe(401);
    }
    const query = await h.app.inject({
      url: `/workspaces/w-1/presence?access_token=${await tokenFor(people.ada.userId)}`,
    });
    expect(query.statusCode).toBe(401);
  });

  it('answers 400 for an id no workspace can have', async () => {
    const answer = await presence('x'.repeat(65), bearer(await tokenFor(people.ada.userId)));

    expect(answer).toMatchObject({ status: 400, body: { error: 'HERALD_VALIDATION' } });
  });

  it('keeps the first membership when its event arrives again', async () => {
    const members = h.db.collection('members');
    const before = await members.findOne({ workspaceId: 'w-1', userId: people.grace.userId });
    const again = aMemberJoined('w-1', people.grace);

    await onWorkspaceMemberJoined(again, h.ports);
    await onWorkspaceMemberJoined({ ...again, time: new Date(0).toISOString() }, h.ports);

    const docs = await members.find({ workspaceId: 'w-1' }).toArray();
    expect(docs).toHaveLength(2);
    expect(docs.find((d) => d.userId === people.grace.userId)?.since).toEqual(before?.since);
  });
});
