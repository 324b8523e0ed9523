import { randomBytes } from 'node:crypto';
import { generateKeyPair } from '@herald/auth';

/** One token key pair per test process; startService hands it to every service it starts. */
export const testKeys = generateKeyPair();

/** One unsubscribe-link secret per test process, handed to the api and the mailer alike. */
export const testUnsubscribeSecret = randomBytes(32).toString('base64url');

/** One link-token secret per test process (verification and reset links), for api and mailer. */
export const testLinkTokenSecret = randomBytes(32).toString('base64url');
