// Generates deploy/rabbitmq/definitions.json (vhost, exchanges, one least-privilege user per
// service) from the contract topology.
//   npm run broker-definitions               write the file
//   npm run broker-definitions -- --check    fail if the file on disk drifted from the contract
import { fileURLToPath } from 'node:url';
import { buildBrokerDefinitions } from '../src/broker-definitions.js';
import { writeOrCheck, shownPath } from './generated.js';

const file = fileURLToPath(new URL('../../deploy/rabbitmq/definitions.json', import.meta.url));
const check = process.argv.includes('--check');
const ok = await writeOrCheck({
  file,
  rendered: `${JSON.stringify(buildBrokerDefinitions(), null, 2)}\n`,
  check,
  source: 'the contract topology',
  command: 'npm run broker-definitions',
});
if (ok && check) console.log(`${shownPath(file)} is up to date with the contract topology`);
process.exitCode = ok ? 0 : 1;
