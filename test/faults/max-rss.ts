/** Loaded with `node --import`: writes the process's peak resident memory (KiB) to $PLAYWATCH_TEST_RSS_FILE at exit. */
import fs from 'node:fs';

const file = process.env.PLAYWATCH_TEST_RSS_FILE;
if (file) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
