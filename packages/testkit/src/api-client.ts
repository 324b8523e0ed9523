import type { ReceivedMail, TestSmtpServer } from './smtp.js';

/** A thin typed client for Herald's HTTP APIs, for tests and the demo. Throws on unexpected status. */
export class HeraldClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string, baseUrl = this.baseUrl): HeraldClient {
    return new HeraldClient(baseUrl, token);
  }

  /** Any request; returns status and parsed JSON (or undefined for an empty body). */
  async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async expect<T>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request(method, path, body);
    if (answer.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.json)}`,
      );
    }
    return answer.json as T;
  }

  /** Registers and logs in; returns a client acting as the new user. */
  async signUp(person: { email: string; name: string; handle: string; password?: string }) {
    const password = person.password ?? 'correct horse battery';
    const user = await this.expect<{ id: string }>(201, 'POST', '/auth/register', {
      ...person,
      password,
    });
    const session = await this.expect<{ accessToken: string; refreshToken: string }>(
      200,
      'POST',
      '/auth/login',
      {
        email: person.email,
        password,
      },
    );
    return { id: user.id, ...person, session, api: this.as(session.accessToken) };
  }
}

/** The accept link an invite e-mail carries (its path, to call on the API). */
export function acceptPathFrom(mailText: string): string {
  const match = /https?:\/\/\S+?(\/invites\/[\w-]+\/accept)/.exec(mailText);
  if (!match?.[1]) throw new Error(`no invite link in:\n${mailText}`);
  return match[1];
}

/** Waits for the invite e-mail to `email` on a test SMTP server and returns its accept path. */
export async function acceptPathMailedTo(smtp: TestSmtpServer, email: string): Promise<string> {
  const isInvite = (m: ReceivedMail) => m.to.includes(email) && /invited you/i.test(m.subject);
  const mails = await smtp.waitFor((all) => all.some(isInvite));
  return acceptPathFrom(mails.find(isInvite)!.text);
}
