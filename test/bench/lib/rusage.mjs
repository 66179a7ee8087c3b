/**
 * Preloaded (node --import) into a measured Node program: at exit it writes
 * the process's peak RSS to the file PW_BENCH_RUSAGE names. The variable is
 * removed at once so Node programs the measured one starts do not overwrite it.
 */
import fs from 'node:fs';

const file = process.env.PW_BENCH_RUSAGE;
delete process.env.PW_BENCH_RUSAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ maxRssKB: u.maxRSS, userUs: u.userCPUTime, systemUs: u.systemCPUTime }));
  });
}
