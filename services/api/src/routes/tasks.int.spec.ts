import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, workspaceWith, type Account, type Harness } from '../../test/harness.js';

let h: Harness;
let ada: Account;
let bob: Account;
let ws: { id: string; key: string };
beforeEach(async () => {
  h = await createHarness();
  ada = await h.account('ada', 'Ada Lovelace');
  bob = await h.account('bob', 'Bob Builder');
  ws = await workspaceWith(h, ada, [bob]);
});
afterEach(async () => {
  await h.close();
});

const createTask = (body: object, token = ada.accessToken) =>
  h.call('POST', `/workspaces/${ws.id}/tasks`, token, body);

describe('POST /workspaces/:id/tasks', () => {
  it('numbers tasks per workspace (WS-1, WS-2) and publishes task.created', async () => {
    const first = await createTask({ title: 'Launch', dueDate: '2025-04-01T09:00:00+02:00' });
    const second = await createTask({ title: 'Polish', description: 'the details' });
    expect(first).toMatchObject({
      status: 201,
      body: { key: 'WS-1', number: 1, status: 'todo', dueDate: '2025-04-01T07:00:00.000Z' },
    });
    expect(second.body).toMatchObject({ key: 'WS-2', description: 'the details', dueDate: null });
    expect(await h.events('task.created')).toEqual([
      {
        workspaceId: ws.id,
        taskId: first.body.id,
        key: 'WS-1',
        title: 'Launch',
        createdBy: { userId: ada.id, name: 'Ada Lovelace' },
        dueDate: '2025-04-01T07:00:00.000Z',
      },
      {
        workspaceId: ws.id,
        taskId: second.body.id,
        key: 'WS-2',
        title: 'Polish',
        createdBy: { userId: ada.id, name: 'Ada Lovelace' },
      },
    ]);
    const other = await workspaceWith(h, ada, [], 'Mobile App');
    const elsewhere = await h.call('POST', `/workspaces/${other.id}/tasks`, ada.accessToken, {
      title: 'Start',
    });
    expect(elsewhere.body.key).toBe('MA-1');
  });

  it('gives concurrent creations distinct keys', async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createTask({ title: `task ${i}` })),
    );
    expect(created.filter((r) => r.status !== 201)).toEqual([]);
    const keys = created.map((r) => r.body.key as string);
    expect(new Set(keys).size).toBe(8);
  });

  it('publishes one task.assigned per assignee, in the same document as task.created', async () => {
    const created = await createTask({ title: 'Pair', assigneeIds: [bob.id, ada.id, bob.id] });
    expect(created.body.assigneeIds).toEqual([bob.id, ada.id]);
    const doc = await h.stored('tasks', created.body.id);
    expect(doc?.outbox?.map((e) => e.type)).toEqual([
      'task.created',
      'task.assigned',
      'task.assigned',
    ]);
    const ref = { workspaceId: ws.id, taskId: created.body.id, key: 'WS-1', title: 'Pair' };
    const assignedBy = { userId: ada.id, name: 'Ada Lovelace' };
    expect(await h.events('task.assigned')).toEqual([
      { ...ref, assignee: { userId: bob.id, email: bob.email, name: 'Bob Builder' }, assignedBy },
      { ...ref, assignee: { userId: ada.id, email: ada.email, name: 'Ada Lovelace' }, assignedBy },
    ]);
  });

  it('refuses assignees who are not members (400) and writes nothing', async () => {
    const eve = await h.account('eve');
    const refused = await createTask({ title: 'x', assigneeIds: [bob.id, eve.id] });
    expect(refused).toMatchObject({ status: 400, body: { error: 'HERALD_VALIDATION' } });
    expect(refused.body.message).toContain(eve.id);
    expect(await h.db.collection('tasks').countDocuments()).toBe(0);
  });
});

describe('POST /tasks/:id/assignees', () => {
  it('assigns a member once: the second request is a no-op with no second event', async () => {
    const task = (await createTask({ title: 'Review' })).body;
    const kicks = h.written();
    const first = await h.call('POST', `/tasks/${task.id}/assignees`, ada.accessToken, {
      userId: bob.id,
    });
    expect(first).toMatchObject({ status: 201, body: { assigneeIds: [bob.id] } });
    expect(h.written()).toBe(kicks + 1); // the relay was told
    const again = await h.call('POST', `/tasks/${task.id}/assignees`, bob.accessToken, {
      userId: bob.id,
    });
    expect(again).toMatchObject({ status: 200, body: { assigneeIds: [bob.id] } });
    expect(h.written()).toBe(kicks + 1);
    expect(await h.events('task.assigned')).toEqual([
      {
        workspaceId: ws.id,
        taskId: task.id,
        key: 'WS-1',
        title: 'Review',
        assignee: { userId: bob.id, email: bob.email, name: 'Bob Builder' },
        assignedBy: { userId: ada.id, name: 'Ada Lovelace' },
      },
    ]);
    const read = await h.call('GET', `/tasks/${task.id}`, bob.accessToken);
    expect(read.body.assigneeIds).toEqual([bob.id]);
  });

  it('publishes once even when the same assignment is requested concurrently', async () => {
    const task = (await createTask({ title: 'Race' })).body;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.call('POST', `/tasks/${task.id}/assignees`, ada.accessToken, { userId: bob.id }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(await h.events('task.assigned')).toHaveLength(1);
  });

  it('is a no-op for someone assigned when the task was created', async () => {
    const task = (await createTask({ title: 'Mine', assigneeIds: [bob.id] })).body;
    const again = await h.call('POST', `/tasks/${task.id}/assignees`, ada.accessToken, {
      userId: bob.id,
    });
    expect(again.status).toBe(200);
    expect(await h.events('task.assigned')).toHaveLength(1);
  });

  it('refuses a non-member assignee (400)', async () => {
    const eve = await h.account('eve');
    const task = (await createTask({ title: 'Review' })).body;
    const refused = await h.call('POST', `/tasks/${task.id}/assignees`, ada.accessToken, {
      userId: eve.id,
    });
    expect(refused).toMatchObject({ status: 400, body: { error: 'HERALD_VALIDATION' } });
    expect(await h.events('task.assigned')).toHaveLength(0);
  });
});

describe('PATCH /tasks/:id', () => {
  it('publishes task.status-changed in the same update when the status moves', async () => {
    const task = (await createTask({ title: 'Ship' })).body;
    const moved = await h.call('PATCH', `/tasks/${task.id}`, bob.accessToken, {
      status: 'in_progress',
      title: 'Ship it',
    });
    expect(moved).toMatchObject({ status: 200, body: { status: 'in_progress', title: 'Ship it' } });
    expect(await h.events('task.status-changed')).toEqual([
      {
        workspaceId: ws.id,
        taskId: task.id,
        key: 'WS-1',
        title: 'Ship it',
        from: 'todo',
        to: 'in_progress',
        changedBy: { userId: bob.id, name: 'Bob Builder' },
      },
    ]);
    const doc = await h.stored('tasks', task.id);
    expect(doc?.outbox?.map((e) => e.type)).toEqual(['task.created', 'task.status-changed']);
  });

  it('publishes nothing when the status stays, and clears a due date with null', async () => {
    const task = (await createTask({ title: 'Ship', dueDate: '2025-04-01T00:00:00Z' })).body;
    const same = await h.call('PATCH', `/tasks/${task.id}`, ada.accessToken, {
      status: 'todo',
      dueDate: null,
    });
    expect(same).toMatchObject({ status: 200, body: { status: 'todo', dueDate: null } });
    expect(await h.events('task.status-changed')).toHaveLength(0);
    const read = await h.call('GET', `/tasks/${task.id}`, ada.accessToken);
    expect(read.body).toMatchObject({ dueDate: null, title: 'Ship' });
  });

  it('refuses an unknown status and an empty patch (400)', async () => {
    const task = (await createTask({ title: 'Ship' })).body;
    const unknown = await h.call('PATCH', `/tasks/${task.id}`, ada.accessToken, { status: 'won' });
    expect(unknown).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/status/) as string },
    });
    const empty = await h.call('PATCH', `/tasks/${task.id}`, ada.accessToken, {});
    expect(empty).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/nothing to change/) as string },
    });
  });
});

describe('GET /tasks/:id', () => {
  it('reads a task for members, 404 for an unknown id', async () => {
    const task = (await createTask({ title: 'Read me', assigneeIds: [ada.id] })).body;
    const read = await h.call('GET', `/tasks/${task.id}`, bob.accessToken);
    expect(read).toEqual({ status: 200, body: task });
    const unknown = await h.call('GET', `/tasks/${crypto.randomUUID()}`, bob.accessToken);
    expect(unknown).toMatchObject({ status: 404, body: { error: 'HERALD_NOT_FOUND' } });
  });
});
