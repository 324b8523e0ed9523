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

  /**
   * Registers (202, which names no user), logs in and learns the id from the session. With
   * `verify`, also proves the address with the token `verify` finds for it (the verification
   * e-mail, or the stored event): accepting an invite needs a verified address.
   */
  async signUp(
    person: { email: string; name: string; handle: string; password?: string },
    options: { verify?: (email: string) => Promise<string> } = {},
  ) {
    const password = person.password ?? 'correct horse battery';
    await this.expect(202, 'POST', '/auth/register', { ...person, password });
    const session = await this.expect<{
      accessToken: string;
      refreshToken: string;
      user: { id: string };
    }>(200, 'POST', '/auth/login', { email: person.email, password });
    if (options.verify) {
      const token = await options.verify(person.email);
      await this.expect(204, 'POST', '/auth/verify-email', { token });
    }
    return { id: session.user.id, ...person, session, api: this.as(session.accessToken) };
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

/** The token of the page link (`/verify-email/<token>` or `/reset-password/<token>`) in an e-mail. */
export function linkTokenFrom(mailText: string, page: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`https?://\\S+?/${page}/([\\w-]{43})(?![\\w-])`).exec(mailText);
  if (!match?.[1]) throw new Error(`no ${page} link in:\n${mailText}`);
  return match[1];
}

/** For `signUp`'s `verify`: waits for the verification e-mail to the address and reads its token. */
export function verificationMailedVia(smtp: TestSmtpServer) {
  return async (email: string): Promise<string> => {
    const isVerification = (m: ReceivedMail) =>
      m.to.includes(email) && /verify your e-mail/i.test(m.subject);
    const mails = await smtp.waitFor((all) => all.some(isVerification));
    return linkTokenFrom(mails.find(isVerification)!.text, 'verify-email');
  };
}
