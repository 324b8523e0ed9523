import type { Collection } from 'mongodb';
import {
  type EventCollection,
  findByKeys,
  type Outbox,
  type PendingEvent,
  type WithOutbox,
  withoutOutbox,
} from '@herald/store';
import type { WorkspaceStore } from '../domain/ports.js';
import type { Workspace } from '../domain/workspace.js';

type WorkspaceDoc = Omit<Workspace, 'id'> & { _id: string } & WithOutbox;

export class WorkspacesCollection implements WorkspaceStore {
  static readonly collectionName = 'workspaces';
  readonly #collection: Collection<WorkspaceDoc>;

  readonly #writes: EventCollection<WorkspaceDoc>;

  constructor(outbox: Outbox) {
    this.#writes = outbox.collection<WorkspaceDoc>(WorkspacesCollection.collectionName);
    this.#collection = this.#writes.collection;
  }

  async create(workspace: Workspace, events: readonly PendingEvent[]): Promise<void> {
    const { id, ...rest } = workspace;
    await this.#writes.insertWithEvents({ _id: id, ...rest }, events);
  }

  async byId(id: string): Promise<Workspace | undefined> {
    const doc = await this.#collection.findOne({ _id: id }, withoutOutbox);
    return doc ? toWorkspace(doc) : undefined;
  }

  async byIds(ids: readonly string[]): Promise<Workspace[]> {
    return (await findByKeys(this.#collection, '_id', ids, withoutOutbox)).map(toWorkspace);
  }
}

function toWorkspace({ _id, outbox: _outbox, ...rest }: WorkspaceDoc): Workspace {
  return { id: _id, ...rest };
}
