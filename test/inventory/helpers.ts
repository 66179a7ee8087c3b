import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Write `files` (relative path → content) under a new temp dir and return the dir. */
export function writeTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-inv-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return dir;
}
