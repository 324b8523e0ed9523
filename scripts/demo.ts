// `npm run demo`: drives the running system (npm start) through the product's whole flow and prints
// what each service produced. Reads invite links from the e-mails the mailer wrote.
import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  HeraldClient,
  acceptPathFrom,
  eventually,
  parseMail,
  type ReceivedMail,
} from '@herald/testkit';

const urls = {
  api: process.env.API_URL ?? 'http://127.0.0.1:3000',
  notifier: process.env.NOTIFIER_URL ?? 'http://127.0.0.1:3001',
  activity: process.env.ACTIVITY_URL ?? 'http://127.0.0.1:3002',
  scheduler: process.env.SCHEDULER_URL ?? 'http://127.0.0.1:3003',
};
const mailDir = process.env.MAIL_OUTBOX_DIR ?? join(homedir(), '.herald', 'mail');
const started = Date.now();
const run = Date.now().toString(36);
const say = (line: string) => process.stdout.write(`${line}\n`);

/** E-mails the mailer wrote since the demo started (the default transport, with no SMTP_URL). */
async function mailsSinceStart(): Promise<ReceivedMail[]> {
  const files = await readdir(mailDir).catch(() => [] as string[]);
  const mails: ReceivedMail[] = [];
  for (const file of files.filter((f) => f.endsWith('.eml'))) {
    const path = join(mailDir, file);
    if ((await stat(path)).mtimeMs >= started - 1_000)
      mails.push(await parseMail(await readFile(path)));
  }
  return mails;
}

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
  say('1. registering Ada, Bob and Cy');
  const ada = await api.signUp(person('ada', 'Ada Lovelace'));
  const bob = await api.signUp(person('bob', 'Bob <Builder>'));
  const cy = await api.signUp(person('cy', 'Cy Twombly'));

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

  say(`3. reading the invite links from the e-mails in ${mailDir}`);
  for (const invitee of [bob, cy]) {
    const mail = await eventually(`invite e-mail for ${invitee.email}`, async () =>
      (await mailsSinceStart()).find(
        (m) => m.to.includes(invitee.email) && /invite/i.test(m.subject),
      ),
    );
    await invitee.api.expect(200, 'POST', acceptPathFrom(mail.text));
    say(`   ${invitee.name} accepted: ${mail.subject}`);
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
  await eventually('notifications', async () =>
    (await inbox(cy).expect<Page>(200, 'GET', '/notifications')).items.some(
      (n) => n.kind === 'mentioned',
    ),
  );
  await eventually(
    'e-mails',
    async () => (await mailsSinceStart()).filter((m) => /mentioned/i.test(m.subject)).length >= 2,
  );

  say('\n== notifier: in-app notifications');
  for (const p of [bob, cy]) {
    for (const n of (await inbox(p).expect<Page>(200, 'GET', '/notifications')).items)
      say(`   ${p.name.padEnd(14)} [${n.kind}] ${n.title}`);
  }
  say('\n== mailer: e-mails sent');
  for (const m of await mailsSinceStart()) say(`   to ${m.to.join(', ').padEnd(32)} ${m.subject}`);
  say('\n== activity: workspace feed');
  const feed = await new HeraldClient(urls.activity, ada.session.accessToken).expect<{
    items: { summary: string; at: string }[];
  }>(200, 'GET', `/workspaces/${workspace.id}/activity`);
  for (const entry of feed.items) say(`   ${entry.at}  ${entry.summary}`);
  const pipeline = await new HeraldClient(urls.scheduler)
    .request('GET', '/pipeline')
    .catch(() => undefined);
  if (pipeline) say(`\n== scheduler: pipeline health\n   ${JSON.stringify(pipeline.json)}`);
  say(
    `\nDone in ${((Date.now() - started) / 1_000).toFixed(1)} s. Dead letters: npm run dlq -- mailer list`,
  );
}

await main();
