// `npm run demo`: drives the running system (npm start) through the product's whole flow and prints
// what each service produced. Reads verification and invite links from the e-mails the mailer sent, wherever they
// went (scripts/demo-mail.ts). Any step that fails stops it with a non-zero exit and says which.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HeraldClient, acceptPathFrom, eventually, linkTokenFrom } from '@herald/testkit';
import { mailSinkFor } from './demo-mail.js';

const urls = {
  api: process.env.API_URL ?? 'http://127.0.0.1:3000',
  notifier: process.env.NOTIFIER_URL ?? 'http://127.0.0.1:3001',
  activity: process.env.ACTIVITY_URL ?? 'http://127.0.0.1:3002',
  scheduler: process.env.SCHEDULER_URL ?? 'http://127.0.0.1:3003',
};
const mail = mailSinkFor(process.env, join(homedir(), '.herald', 'mail'));
const started = Date.now();
const run = Date.now().toString(36);
const say = (line: string) => process.stdout.write(`${line}\n`);
/** How long each wait for background work may take before the demo fails. */
const waitMs = Number(process.env.DEMO_WAIT_MS ?? 60_000);
const mailsSinceStart = () => mail.since(started - 1_000);

async function main(): Promise<void> {
  const api = new HeraldClient(urls.api);
  const health = await api.request('GET', '/readyz').catch(() => undefined);
  if (health?.status !== 200) {
    process.stderr.write(
      `The API at ${urls.api} is not ready. Start the system first: npm start\n`,
    );
    process.exit(1);
  }
  const person = (handle: string, name: string) => ({
    handle: `${handle}${run}`.slice(0, 32),
    name,
    email: `${handle}.${run}@example.test`,
  });
  /** Each person proves their address with the link of their verification e-mail. */
  const verify = async (email: string) => {
    const verification = await eventually(
      `the verification e-mail for ${email} in ${mail.description}`,
      async () =>
        (await mailsSinceStart()).find(
          (m) => m.to.includes(email) && /verify your e-mail/i.test(m.subject),
        ),
      waitMs,
    );
    return linkTokenFrom(verification.text, 'verify-email');
  };
  say('1. registering Ada, Bob and Cy, each verified through the link e-mailed to them');
  const ada = await api.signUp(person('ada', 'Ada Lovelace'), { verify });
  const bob = await api.signUp(person('bob', 'Bob <Builder>'), { verify });
  const cy = await api.signUp(person('cy', 'Cy Twombly'), { verify });

  say('2. Ada creates a workspace and invites Bob and Cy');
  const workspace = await ada.api.expect<{ id: string; name: string; key: string }>(
    201,
    'POST',
    '/workspaces',
    { name: 'Web Site' },
  );
  for (const invitee of [bob, cy]) {
    await ada.api.expect(201, 'POST', `/workspaces/${workspace.id}/invites`, {
      email: invitee.email,
    });
  }

  say(`3. reading the invite links from ${mail.description}`);
  for (const invitee of [bob, cy]) {
    const invite = await eventually(
      `the invite e-mail for ${invitee.email} in ${mail.description}`,
      async () =>
        (await mailsSinceStart()).find(
          (m) => m.to.includes(invitee.email) && /invite/i.test(m.subject),
        ),
      waitMs,
    );
    await invitee.api.expect(200, 'POST', acceptPathFrom(invite.text));
    say(`   ${invitee.name} accepted: ${invite.subject}`);
  }

  say('4. Ada creates a task assigned to Bob, then comments mentioning @bob and @cy');
  const task = await ada.api.expect<{ id: string; key: string }>(
    201,
    'POST',
    `/workspaces/${workspace.id}/tasks`,
    {
      title: 'Launch the new landing page',
      assigneeIds: [bob.id],
    },
  );
  await ada.api.expect(201, 'POST', `/tasks/${task.id}/comments`, {
    body: `@${bob.handle} @${cy.handle} can you review the copy before Friday?`,
  });

  say('5. waiting for the background work ...');
  const inbox = (p: typeof bob) => new HeraldClient(urls.notifier, p.session.accessToken);
  type Page = { items: { kind: string; title: string }[] };
  await eventually(
    `the mention notification in ${cy.name}'s inbox (${urls.notifier})`,
    async () =>
      (await inbox(cy).expect<Page>(200, 'GET', '/notifications')).items.some(
        (n) => n.kind === 'mentioned',
      ),
    waitMs,
  );
  await eventually(
    `two mention e-mails in ${mail.description}`,
    async () => (await mailsSinceStart()).filter((m) => /mentioned/i.test(m.subject)).length >= 2,
    waitMs,
  );

  say('\n== notifier: in-app notifications');
  for (const p of [bob, cy]) {
    for (const n of (await inbox(p).expect<Page>(200, 'GET', '/notifications')).items)
      say(`   ${p.name.padEnd(14)} [${n.kind}] ${n.title}`);
  }
  say('\n== mailer: e-mails sent');
  for (const m of await mailsSinceStart()) say(`   to ${m.to.join(', ').padEnd(32)} ${m.subject}`);
  say('\n== activity: workspace feed');
  const activity = new HeraldClient(urls.activity, ada.session.accessToken);
  type Feed = { items: { summary: string; at: string }[] };
  const feed = await eventually(
    `the comment in the activity feed (${urls.activity})`,
    async () => {
      const page = await activity.expect<Feed>(200, 'GET', `/workspaces/${workspace.id}/activity`);
      return page.items.some((entry) => entry.summary.includes('commented')) && page;
    },
    waitMs,
  );
  for (const entry of feed.items) say(`   ${entry.at}  ${entry.summary}`);
  const pipeline = await new HeraldClient(urls.scheduler)
    .request('GET', '/pipeline')
    .catch(() => undefined);
  if (pipeline) say(`\n== scheduler: pipeline health\n   ${JSON.stringify(pipeline.json)}`);
  say(
    `\nDone in ${((Date.now() - started) / 1_000).toFixed(1)} s. Dead letters: npm run dlq -- mailer list`,
  );
}

await main().catch((error: unknown) => {
  process.stderr.write(
    `\ndemo FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
