/**
 * One or more parity playbooks by hand: `node --import tsx test/system/parity-one.ts jinja/x.yml …`
 * prints the differences table (or "same") for each; `-v` prints both engines' rows,
 * `-m` compares every failure's message too, `--fleet` runs on the fleet's first host (PLAYWATCH_FLEET_DIR).
 */
import { differences, runBoth, type Connection } from './parity.js';

const verbose = process.argv.includes('-v');
if (process.argv.includes('-m')) process.env.PARITY_ALL_MSG = '1';
const connection: Connection = process.argv.includes('--fleet') ? 'fleet' : 'local';
for (const playbook of process.argv.slice(2).filter((a) => !a.startsWith('-'))) {
  const { ansible, mine } = await runBoth(playbook, connection);
  const diff = differences(ansible, mine);
  console.log(`== ${playbook}: ${diff.length === 0 ? 'same' : `${diff.length} differences`}`);
  for (const line of diff) console.log(line);
  if (verbose || ansible.rows.length === 0) {
    console.log(JSON.stringify(ansible.rows, null, 1), JSON.stringify(ansible.recap));
    console.log(ansible.log.slice(-2000));
  }
  if (verbose || (diff.length > 0 && mine.rows.length === 0)) console.log(mine.log.slice(-2000));
}
