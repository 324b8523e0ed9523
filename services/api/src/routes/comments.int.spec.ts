import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, workspaceWith, type Harness } from '../../test/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('POST /tasks/:id/comments', () => {
  it('resolves @mentions to members: two members mentioned, outsider/self/repeats ignored', async () => {
    const ada = await h.account('ada', 'Ada Lovelace');
    const bob = await h.account('bob', 'Bob Builder');
    const grace = await h.account('grace', 'Grace Hopper');
    await h.account('eve'); // has an account, is not a member
    const ws = await workspaceWith(h, ada, [bob, grace]);
    const task = (
      await h.call('POST', `/workspaces/${ws.id}/tasks`, ada.accessToken, { title: 'Launch' })
    ).body;

    const body = '@bob and @Grace: please check. cc @eve @ada @BOB, mail ada@example.test';
    const posted = await h.call('POST', `/tasks/${task.id}/comments`, ada.accessToken, { body });
    expect(posted).toMatchObject({
      status: 201,
      body: { taskId: task.id, authorId: ada.id, body, mentionIds: [bob.id, grace.id] },
    });

    const doc = await h.stored('comments', posted.body.id);
    expect(doc?.outbox).toHaveLength(1);
    expect(await h.events('comment.created')).toEqual([
      {
        workspaceId: ws.id,
        taskId: task.id,
        key: 'WS-1',
        title: 'Launch',
        commentId: posted.body.id,
        body,
        author: { userId: ada.id, name: 'Ada Lovelace', handle: 'ada' },
        mentions: [
          { userId: bob.id, email: bob.email, name: 'Bob Builder', handle: 'bob' },
          { userId: grace.id, email: grace.email, name: 'Grace Hopper', handle: 'grace' },
        ],
      },
    ]);
  });

  it('reads "@bob-" as bob when the user whose handle is "bob-" is not a member', async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    const dotted = await h.account('bob-'); // has an account, is not a member
    const ws = await workspaceWith(h, ada, [bob]);
    const task = (
      await h.call('POST', `/workspaces/${ws.id}/tasks`, ada.accessToken, { title: 'Launch' })
    ).body;
    const posted = await h.call('POST', `/tasks/${task.id}/comments`, ada.accessToken, {
      body: 'Thanks @bob-',
    });
    expect(posted).toMatchObject({ status: 201, body: { mentionIds: [bob.id] } });
    expect(posted.body.mentionIds).not.toContain(dotted.id);
  });

  it('posts with no mentions, and refuses an empty or oversize body (400)', async () => {
    const ada = await h.account('ada');
    const ws = await workspaceWith(h, ada);
    const task = (
      await h.call('POST', `/workspaces/${ws.id}/tasks`, ada.accessToken, { title: 'Quiet' })
    ).body;
    const plain = await h.call('POST', `/tasks/${task.id}/comments`, ada.accessToken, {
      body: 'no one to bother',
    });
    expect(plain).toMatchObject({ status: 201, body: { mentionIds: [] } });
    expect((await h.events('comment.created'))[0]?.mentions).toEqual([]);
    for (const body of ['   ', 'x'.repeat(10_001)]) {
      const refused = await h.call('POST', `/tasks/${task.id}/comments`, ada.accessToken, { body });
      expect(refused).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/body/) as string },
      });
    }
  });
});
