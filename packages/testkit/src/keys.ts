import { generateKeyPair } from '@herald/auth';

/** One token key pair per test process; startService hands it to every service it starts. */
export const testKeys = generateKeyPair();
