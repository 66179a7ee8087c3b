/**
 * The recorded text-edit table: where it lives and the shape of its rows.
 * test/system/edit-oracle.ts writes it by running the cases through
 * ansible-playbook; the unit tests only read it.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EditCase } from './cases.js';

export const ORACLE_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'oracle.json');

/** What one module call did, with the file's path written as `{path}`. */
export interface Outcome {
  changed: boolean;
  failed: boolean;
  msg: string;
  rc?: number;
  found?: number;
  /** A backup file was made. */
  backup: boolean;
  warned: boolean;
  /** The file afterwards (null: none). */
  after: string | null;
  /** Its permission bits, octal (null: none). */
  mode: string | null;
}

export interface OracleRow extends EditCase {
  run: Outcome;
  /** The same call in check mode on a copy of the file. */
  check: Outcome;
  /** The same call once more, on the file the run left. */
  again: Outcome;
}
