import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MongoClient, type CommandStartedEvent, type Db, type Document } from 'mongodb';
import { mongoUrlForTest, servers, uniqueNamespace } from './servers.js';

const run = promisify(execFile);

/** One filter a store command carried, as the store would serve it. */
interface QueryPlan {
  /** The label of the code that sent it (`users.byHandles`). */
  readonly query: string;
  readonly collection: string;
  readonly command: string;
  readonly filter: Document;
  /** Why it reads the whole collection; undefined when an index serves it. */
  readonly scan: string | undefined;
}

/** Commands whose filter is not a query (or that carry none). */
const notQueries = new Set([
  'insert',
  'createIndexes',
  'listIndexes',
  'listCollections',
  'explain',
  'ping',
  'hello',
  'isMaster',
  'endSessions',
  'create',
  'drop',
  'dropDatabase',
  'killCursors',
  'getMore',
]);

/** The command's fields this reads. */
interface QueryCommand {
  readonly filter?: Document;
  readonly query?: Document;
  readonly sort?: Document;
  readonly pipeline?: readonly { readonly $match?: Document }[];
  readonly deletes?: readonly { readonly q: Document }[];
  readonly updates?: readonly { readonly q: Document }[];
}

/** The filters (with their sort) one command asks the store to serve. */
function filtersOf(event: CommandStartedEvent): { filter: Document; sort?: Document }[] {
  const c = event.command as QueryCommand;
  const sort = c.sort ? { sort: c.sort } : {};
  switch (event.commandName) {
    case 'find':
      return [{ filter: c.filter ?? {}, ...sort }];
    case 'aggregate':
      return [{ filter: c.pipeline?.[0]?.$match ?? {} }];
    case 'count':
    case 'distinct':
    case 'findAndModify':
      return [{ filter: c.query ?? {}, ...sort }];
    case 'delete':
      return (c.deletes ?? []).map((d) => ({ filter: d.q }));
    case 'update':
      return (c.updates ?? []).map((u) => ({ filter: u.q }));
    default:
      return [{ filter: {} }];
  }
}

/**
 * A database of its own on the real store, through a client that reports the commands it sends:
 * `explain` runs code (real adapters, a real relay) and explains every filter it sent, and
 * `scanning` names those that read a whole collection. FerretDB's explain says whether it pushed
 * the filter down to PostgreSQL and gives PostgreSQL's plan (`queryPlanner`); MongoDB's gives its
 * winning plan. FerretDB pushes down the filter of a `find`, `count`, `delete` and `update` alike,
 * so each is explained as the `find` of its filter.
 */
export class PlannedStore {
  readonly db: Db;
  readonly #client: MongoClient;
  readonly #plans: QueryPlan[] = [];
  readonly #small = new Set<string>();

  private constructor(client: MongoClient) {
    this.#client = client;
    this.db = client.db();
  }

  static async open(label: string): Promise<PlannedStore> {
    const client = new MongoClient(mongoUrlForTest(uniqueNamespace(label)), {
      monitorCommands: true,
    });
    await client.connect();
    return new PlannedStore(client);
  }

  /** `collection` is read whole on purpose: it stays small by design (say why where it is made). */
  smallByDesign(collection: string): void {
    this.#small.add(collection);
  }

  /** Runs `work` and records the plan of every filter it sent, under the label `query`. */
  async explain(query: string, work: () => Promise<unknown>): Promise<void> {
    const sent: CommandStartedEvent[] = [];
    const listener = (event: CommandStartedEvent) => {
      if (event.databaseName === this.db.databaseName && !notQueries.has(event.commandName)) {
        sent.push(event);
      }
    };
    this.#client.on('commandStarted', listener);
    try {
      await work();
    } finally {
      this.#client.off('commandStarted', listener);
    }
    for (const event of sent) {
      const collection = String(event.command[event.commandName]);
      for (const { filter, sort } of filtersOf(event)) {
        const explained = await this.db.command({
          explain: { find: collection, filter, ...(sort ? { sort } : {}) },
        });
        this.#plans.push({
          query,
          collection,
          command: event.commandName,
          filter,
          scan: await scanIn(explained),
        });
      }
    }
  }

  /** One line for each recorded query that scans a collection not small by design. */
  scanning(): string[] {
    const growing = this.#plans.filter((p) => !this.#small.has(p.collection));
    if (growing.length === 0) throw new Error('no query was explained');
    return growing
      .filter((p) => p.scan !== undefined)
      .map(
        (p) => `${p.query}: ${p.command} ${p.collection} ${JSON.stringify(p.filter)} (${p.scan})`,
      );
  }

  async close(): Promise<void> {
    await this.db.dropDatabase();
    await this.#client.close();
  }
}

interface PgPlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly Schema?: string;
  readonly Alias?: string;
  readonly Filter?: string;
  readonly Plans?: readonly PgPlanNode[];
}

function* nodes(plan: PgPlanNode): Generator<PgPlanNode> {
  yield plan;
  for (const child of plan.Plans ?? []) yield* nodes(child);
}

/** The explain output's fields this reads: FerretDB's, or MongoDB's `winningPlan`. */
interface Explained {
  readonly serverInfo?: { readonly ferretdbVersion?: string };
  readonly filterPushdown?: boolean;
  readonly queryPlanner?: { readonly Plan?: PgPlanNode; readonly winningPlan?: Document };
}

/** Why the explained query reads a whole collection, or undefined when an index serves it. */
async function scanIn(explained: Explained): Promise<string | undefined> {
  if (explained.serverInfo?.ferretdbVersion === undefined) {
    const winning = JSON.stringify(explained.queryPlanner?.winningPlan ?? {});
    return winning.includes('COLLSCAN') ? 'COLLSCAN' : undefined;
  }
  if (explained.filterPushdown !== true) {
    return 'filter not pushed down (FerretDB reads every document)';
  }
  const plan = explained.queryPlanner?.Plan;
  if (!plan) return 'no plan reported';
  for (const node of nodes(plan)) {
    if (node['Node Type'] !== 'Seq Scan') continue;
    // The planner may prefer a sequential scan of a small table it has analysed; the question is
    // whether an index could serve the pushed-down condition at all.
    if (!node.Filter || !(await indexServes(node))) return `Seq Scan on ${node['Relation Name']}`;
  }
  return undefined;
}

/** PostgreSQL's plan for the same condition with sequential scans off (on the `herald` cluster). */
async function indexServes(node: PgPlanNode): Promise<boolean> {
  const database = `ferretdb_${new URL(servers.mongo).port || '27017'}`;
  const sql =
    `SET enable_seqscan = off; EXPLAIN (FORMAT JSON) SELECT _jsonb FROM ` +
    `"${node.Schema}"."${node['Relation Name']}" AS "${node.Alias}" WHERE ${node.Filter}`;
  const { stdout } = await run('psql', [
    '-h',
    '127.0.0.1',
    '-p',
    process.env.HERALD_PG_PORT ?? '5433',
    '-U',
    'postgres',
    '-d',
    database,
    '-qtA',
    '-c',
    sql,
  ]);
  const [{ Plan }] = JSON.parse(stdout) as [{ Plan: PgPlanNode }];
  return ![...nodes(Plan)].some((n) => n['Node Type'] === 'Seq Scan');
}
