import { randomUUID } from 'node:crypto';
import type { Db, MongoClient } from 'mongodb';
import { createTokenSigner, createTokenVerifier, linkToken, type LinkPurpose } from '@herald/auth';
import type { EventData, EventType } from '@herald/contracts';
import {
  Outbox,
  connectMongo,
  mongoReachable,
  type PendingEvent,
  type WithOutbox,
} from '@herald/store';
import type { TrustProxy } from '@herald/runtime';
import { mongoUrlForTest, testKeys, testLogger, uniqueNamespace } from '@herald/testkit';
import { scryptHasher } from '../src/adapters/password-hasher.js';
import { newSecret } from '../src/adapters/secrets.js';
import { mongoStores } from '../src/adapters/stores.js';
import { buildApp, type RateLimits } from '../src/app.js';
import type { ApiPorts } from '../src/domain/ports.js';

export const publicUrl = 'https://herald.example/app';
export const unsubscribeSecret = 'the-api-tests-unsubscribe-secret-0123456789';
export const linkTokenSecret = 'the-api-tests-link-token-secret-0123456789';

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly handle: string;
  readonly name: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The fields tests read from response bodies; a route fills only its own. */
export interface Body {
  readonly id?: string;
  readonly key?: string;
  readonly error?: string;
  readonly message?: string;
  readonly joined?: boolean;
  readonly assigneeIds?: string[];
  readonly mentionIds?: string[];
  readonly members?: { userId: string; handle: string; role: string; email: string }[];
  readonly [field: string]: unknown;
}

/** The app over a database of its own, with the real scrypt, token signer and MongoDB adapters. */
export async function createHarness(
  options: { rateLimits?: Partial<RateLimits>; trustProxy?: TrustProxy } = {},
) {
  const namespace = uniqueNamespace('api');
  const { client, db }: { client: MongoClient; db: Db } = await connectMongo(
    mongoUrlForTest(namespace),
    'api-test',
  );
  let written = 0;
  // Counts the adapters' calls that would kick the outbox relay.
  const eventCollections = new Outbox(db);
  eventCollections.afterCommit(() => written++);
  const stores = mongoStores(db, eventCollections);
  await stores.ensureIndexes();
  let clock: Date | undefined;
  const ports: ApiPorts = {
    ...stores,
    passwords: scryptHasher,
    accessTokens: await createTokenSigner(testKeys.privateKeyPem),
    publicUrl,
    now: () => clock ?? new Date(),
    newId: randomUUID,
    newSecret,
    unsubscribeSecret,
    linkTokenSecret,
  };
  const app = await buildApp({
    logger: testLogger,
    ports,
    readiness: { store: () => mongoReachable(db) },
    verifier: await createTokenVerifier(testKeys.publicKeyPem),
    rateLimits: {
      max: 100_000,
      authMax: 100_000,
      refreshMax: 100_000,
      loginPerAccountMax: 100_000,
      ...options.rateLimits,
    },
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  });

  async function call<T = Body>(method: Method, url: string, token?: string, payload?: object) {
    const response = await app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload ? { payload } : {}),
    });
    return {
      status: response.statusCode,
      body: response.body ? response.json<T>() : ({} as T),
    };
  }

  let accounts = 0;
  /**
   * Registers, verifies (through the real route, unless `verified: false`) and logs in a person;
   * handles are unique per harness.
   */
  async function account(
    handle: string,
    name = `Person ${handle}`,
    { verified = true }: { verified?: boolean } = {},
  ): Promise<Account> {
    accounts++;
    const email = `${handle}@example.test`;
    const password = `password ${accounts}`;
    const registered = await call('POST', '/auth/register', undefined, {
      email,
      password,
      name,
      handle,
    });
    if (registered.status !== 202)
      throw new Error(`register ${handle}: ${JSON.stringify(registered)}`);
    const login = await call('POST', '/auth/login', undefined, { email, password });
    if (login.status !== 200) throw new Error(`login ${handle}: ${JSON.stringify(login)}`);
    const session = login.body as {
      accessToken: string;
      refreshToken: string;
      user: { id: string };
    };
    const person = { id: session.user.id, email, handle, name, password, ...session };
    if (verified) await verify(person);
    return person;
  }

  /**
   * The token of the newest link of `purpose` mailed to a user, derived as the mailer does from the
   * token id of the event in the outbox.
   */
  async function linkTokenFor(purpose: LinkPurpose, userId: string): Promise<string> {
    const type =
      purpose === 'verify-email'
        ? 'user.email-verification-requested'
        : 'user.password-reset-requested';
    const requested = (await events(type)).filter((e) => e.user.userId === userId).at(-1);
    if (!requested) throw new Error(`no ${type} event for user ${userId}`);
    return linkToken(linkTokenSecret, purpose, requested.tokenId);
  }

  /** Verifies a person's address with the token of their verification e-mail. */
  async function verify(person: { id: string }): Promise<void> {
    const token = await linkTokenFor('verify-email', person.id);
    const verified = await call('POST', '/auth/verify-email', undefined, { token });
    if (verified.status !== 204)
      throw new Error(`verify ${person.id}: ${JSON.stringify(verified)}`);
  }

  /** Every event waiting in the outbox of every collection, oldest first. */
  async function outbox(): Promise<PendingEvent[]> {
    const events: PendingEvent[] = [];
    for (const name of eventCollections.names) {
      for (const doc of await db.collection<WithOutbox>(name).find({}).toArray()) {
        events.push(...(doc.outbox ?? []));
      }
    }
    return events.sort((a, b) => a.time.localeCompare(b.time));
  }

  /** The data of the waiting events of one type. */
  async function events<T extends EventType>(type: T): Promise<EventData<T>[]> {
    return (await outbox()).filter((e) => e.type === type).map((e) => e.data as EventData<T>);
  }

  /** A stored document, as the adapters wrote it. */
  function stored(collection: string, id: string | undefined) {
    type Stored = { _id: string; outbox?: PendingEvent[] } & Record<string, unknown>;
    return db.collection<Stored>(collection).findOne({ _id: id ?? '' });
  }

  return {
    app,
    db,
    stored,
    ports,
    call,
    account,
    linkTokenFor,
    verify,
    outbox,
    events,
    /** How often the domain told the relay that events are waiting. */
    written: () => written,
    /** Fixes the domain's clock (undefined: the real one). */
    setClock(at: Date | undefined) {
      clock = at;
    },
    async close() {
      await app.close();
      await db.dropDatabase();
      await client.close();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof createHarness>>;

/** A workspace created by `owner`, with `members` joined through real invites. */
export async function workspaceWith(
  h: Harness,
  owner: Account,
  members: readonly Account[] = [],
  name = 'Web Site',
): Promise<{ id: string; key: string }> {
  const created = await h.call('POST', '/workspaces', owner.accessToken, { name });
  if (created.status !== 201) throw new Error(`workspace: ${JSON.stringify(created)}`);
  const workspace = created.body as { id: string; key: string };
  for (const member of members) {
    const token = await inviteToken(h, workspace.id, owner, member.email);
    const accepted = await h.call('POST', `/invites/${token}/accept`, member.accessToken);
    if (accepted.status !== 200) throw new Error(`accept: ${JSON.stringify(accepted)}`);
  }
  return workspace;
}

/** Invites `email` and returns the token from the accept link of the event in the outbox. */
export async function inviteToken(
  h: Harness,
  workspaceId: string,
  inviter: Account,
  email: string,
): Promise<string> {
  const invited = await h.call('POST', `/workspaces/${workspaceId}/invites`, inviter.accessToken, {
    email,
  });
  if (invited.status !== 201) throw new Error(`invite: ${JSON.stringify(invited)}`);
  const { id } = invited.body as { id: string };
  const event = (await h.events('workspace.member-invited')).find((e) => e.inviteId === id);
  const token = event && /\/invites\/([\w-]+)\/accept$/.exec(event.acceptUrl)?.[1];
  if (!token) throw new Error(`no accept link for invite ${id}`);
  return token;
}
