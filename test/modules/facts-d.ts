/** A facts.d directory for the local facts tests, and what ansible-core makes of it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Vars } from '../../src/model/index.js';
import { tempDir } from './context.js';

/** facts.d files → what ansible-core 2.14 puts under ansible_local for them (checked against it in test/system/facts.test.ts). */
export const FACTS_D: { files: Record<string, { text: string; exec?: boolean }>; local: Vars } = {
  files: {
    'app.fact': { text: '{"version": "1.4.2", "workers": 4, "tags": ["a", "b"]}\n' },
    'ini.fact': { text: '# comment\n[general]\nName = web\nport: 8080\n\n[empty]\n' },
    'run.fact': { text: '#!/bin/sh\necho \'{"generated": true}\'\n', exec: true },
    'broken.fact': { text: 'not json, not ini\n' },
    'fails.fact': { text: '#!/bin/sh\nexit 3\n', exec: true },
  },
  local: {
    app: { version: '1.4.2', workers: 4, tags: ['a', 'b'] },
    ini: { general: { name: 'web', port: '8080' }, empty: {} },
    run: { generated: true },
    broken: 'error loading facts as JSON or ini - please check content: FACT_PATH/broken.fact',
    fails: 'Failure executing fact script (FACT_PATH/fails.fact), rc: 3, err: ',
  },
};

export function writeFactsD(): string {
  const dir = tempDir();
  for (const [name, { text, exec }] of Object.entries(FACTS_D.files)) fs.writeFileSync(path.join(dir, name), text, { mode: exec ? 0o755 : 0o644 });
  return dir;
}
