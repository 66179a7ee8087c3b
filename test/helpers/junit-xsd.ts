/**
 * Validates a JUnit report against `junit.xsd` (beside this file: our own
 * schema of what the common CI readers take) with libxml2's schema
 * validator, the one xmllint runs, compiled to WebAssembly (xmllint-wasm:
 * no network, no native build).
 */
import fs from 'node:fs';
import { validateXML } from 'xmllint-wasm';

const SCHEMA = fs.readFileSync(new URL('./junit.xsd', import.meta.url), 'utf8');

/** What the validator refuses, one readable line each ("line 5: Element 'testcase': …"); none: valid. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: { fileName: 'junit.xml', contents: xml }, schema: { fileName: 'junit.xsd', contents: SCHEMA } });
  if (r.valid) return [];
  const lines = r.errors.map((e) => (e.loc ? `line ${e.loc.lineNumber}: ${e.message}` : e.rawMessage).trim());
  // Every failure says why: an invalid document with no message would be a validator fault.
  return lines.length > 0 ? lines : [`invalid, no message: ${r.rawOutput.trim() || '(empty)'}`];
}
