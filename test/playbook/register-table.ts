/**
 * `register` names and what ansible-core 2.14 does with each (utils/vars.py
 * `isidentifier`: an ASCII Python identifier that is not a keyword), shared
 * by the loader's unit test and the system test that runs ansible-playbook.
 */
/** The YAML text after `register: `, and the name ansible-core stores (or refuses, when `refused`). */
export const REGISTER_NAMES: Array<{ yaml: string; name: string; refused: boolean }> = [
  { yaml: 'out', name: 'out', refused: false },
  { yaml: '_private', name: '_private', refused: false },
  { yaml: 'ok_1', name: 'ok_1', refused: false },
  { yaml: 'match', name: 'match', refused: false }, // a soft keyword, not a keyword
  { yaml: 'print', name: 'print', refused: false }, // a builtin, not a keyword
  { yaml: 'Class', name: 'Class', refused: false }, // keywords are case-sensitive
  { yaml: 'my-var', name: 'my-var', refused: true },
  { yaml: '1abc', name: '1abc', refused: true },
  { yaml: '12', name: '12', refused: true },
  { yaml: 'a.b', name: 'a.b', refused: true },
  { yaml: '"ok "', name: 'ok ', refused: true },
  { yaml: 'héllo', name: 'héllo', refused: true }, // ASCII only, as Python 2 was
  { yaml: 'class', name: 'class', refused: true },
  { yaml: 'async', name: 'async', refused: true },
  { yaml: 'None', name: 'None', refused: true },
  { yaml: 'true', name: 'True', refused: true }, // a YAML bool: Python's str(True)
  { yaml: '"{{ var_name }}"', name: '{{ var_name }}', refused: true }, // register is static: never templated
];
