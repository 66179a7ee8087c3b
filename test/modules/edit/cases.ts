/**
 * The text-edit cases run through ansible-core (test/system/edit-oracle.ts writes their
 * results to oracle.json) and through our pure edits (edits.test.ts).
 * `before` is the file's content (null: no file); every file starts 0644.
 * `path` is added by the runner.
 */
export type EditModule = 'lineinfile' | 'blockinfile' | 'replace';

export interface EditCase {
  name: string;
  module: EditModule;
  before: string | null;
  args: Record<string, unknown>;
}

const L = 'lineinfile';
const B = 'blockinfile';
const R = 'replace';
const conf = 'a=1\nb=2\nc=3\n';
const block = '# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\n';

export const CASES: EditCase[] = [
  // lineinfile: appending
  { module: L, name: 'appends a new line at EOF', before: conf, args: { line: 'd=4' } },
  { module: L, name: 'leaves a line that is already there', before: conf, args: { line: 'b=2' } },
  { module: L, name: 'ends an unterminated last line before appending', before: 'a=1\nb=2', args: { line: 'd=4' } },
  { module: L, name: 'appends to an empty file', before: '', args: { line: 'd=4' } },
  { module: L, name: 'fails on a missing file without create', before: null, args: { line: 'd=4' } },
  { module: L, name: 'creates a missing file with create', before: null, args: { line: 'd=4', create: true } },
  { module: L, name: 'creates a missing file with create and mode', before: null, args: { line: 'd=4', create: true, mode: '0600' } },
  // regexp
  { module: L, name: 'replaces the line the regexp matches', before: conf, args: { regexp: '^b=', line: 'b=20' } },
  { module: L, name: 'replaces the last of several matches', before: 'k=1\nx\nk=2\n', args: { regexp: '^k=', line: 'k=9' } },
  { module: L, name: 'replaces the first match with firstmatch', before: 'k=1\nx\nk=2\n', args: { regexp: '^k=', line: 'k=9', firstmatch: true } },
  { module: L, name: 'appends when the regexp matches nothing', before: conf, args: { regexp: '^z=', line: 'z=0' } },
  { module: L, name: 'matches $ before the line end', before: conf, args: { regexp: '^b=2$', line: 'b=22' } },
  { module: L, name: 'leaves a matched line equal to line', before: conf, args: { regexp: '^b=', line: 'b=2' } },
  { module: L, name: 'ends an unterminated last line it matches', before: 'a=1\nb=2', args: { regexp: '^b=', line: 'b=2' } },
  { module: L, name: 'leaves the exact line when the regexp matches nothing', before: conf, args: { regexp: '^zz', line: 'a=1', insertafter: '^c' } },
  { module: L, name: 'honours an inline (?i) flag', before: 'PORT=1\n', args: { regexp: '(?i)^port=', line: 'port=2' } },
  { module: L, name: 'expands \\g<0> with backrefs', before: 'key\n', args: { regexp: '^k.y$', line: '\\g<0>=1', backrefs: true } },
  { module: L, name: 'warns on an empty regexp and replaces the last line', before: conf, args: { regexp: '', line: 'q' } },
  // backrefs
  { module: L, name: 'expands numbered backrefs', before: 'Port 22\n', args: { regexp: '^(Port)\\s+\\d+$', line: '\\1 2222', backrefs: true } },
  { module: L, name: 'expands named groups with \\g<name>', before: 'user=bob\n', args: { regexp: '^(?P<k>\\w+)=.*', line: '\\g<k>=alice', backrefs: true } },
  { module: L, name: 'does nothing with backrefs and no match', before: conf, args: { regexp: '^nope(.*)', line: 'x\\1', backrefs: true } },
  { module: L, name: 'fails with backrefs and no regexp', before: conf, args: { line: 'x', backrefs: true } },
  { module: L, name: 'fails with state present and no line', before: conf, args: { regexp: '^a' } },
  // insertafter / insertbefore
  { module: L, name: 'inserts after the line insertafter matches', before: conf, args: { line: 'ab', insertafter: '^a=' } },
  { module: L, name: 'inserts after the last insertafter match', before: 'x\ny\nx\nz\n', args: { line: 'new', insertafter: '^x' } },
  { module: L, name: 'inserts after the first insertafter match with firstmatch', before: 'x\ny\nx\nz\n', args: { line: 'new', insertafter: '^x', firstmatch: true } },
  { module: L, name: 'appends when insertafter matches nothing', before: conf, args: { line: 'new', insertafter: '^nothing' } },
  { module: L, name: 'inserts after an unterminated last line', before: 'a=1\nb=2', args: { line: 'new', insertafter: '^b=' } },
  { module: L, name: 'inserts before the line insertbefore matches', before: conf, args: { line: 'new', insertbefore: '^c=' } },
  { module: L, name: 'inserts at BOF with insertbefore', before: conf, args: { line: '# top', insertbefore: 'BOF' } },
  { module: L, name: 'inserts at BOF with insertafter', before: conf, args: { line: '# top', insertafter: 'BOF' } },
  { module: L, name: 'inserts after the regexp-less line when the line follows already', before: 'a\nnew\nb\n', args: { line: 'new', insertafter: '^a' } },
  { module: L, name: 'insertafter is ignored when the regexp matches', before: conf, args: { regexp: '^c=', line: 'c=30', insertafter: '^a=' } },
  { module: L, name: 'fails with both insertafter and insertbefore', before: conf, args: { line: 'x', insertafter: 'a', insertbefore: 'b' } },
  // search_string
  { module: L, name: 'replaces the line holding search_string', before: 'listen 80;\nroot /x;\n', args: { search_string: 'listen 80', line: 'listen 8080;' } },
  { module: L, name: 'takes search_string literally', before: 'a.*b\naxxb\n', args: { search_string: 'a.*b', line: 'lit' } },
  { module: L, name: 'appends when search_string is not found', before: conf, args: { search_string: 'zzz', line: 'z=0' } },
  // absent
  { module: L, name: 'removes every copy of a line', before: 'x\na\nx\n', args: { line: 'x', state: 'absent' } },
  { module: L, name: 'removes lines the regexp matches', before: conf, args: { regexp: '^[ab]=', state: 'absent' } },
  { module: L, name: 'removes lines holding search_string', before: conf, args: { search_string: '=3', state: 'absent' } },
  { module: L, name: 'removes nothing when nothing matches', before: conf, args: { regexp: '^z', state: 'absent' } },
  { module: L, name: 'reports a missing file with state absent', before: null, args: { line: 'x', state: 'absent' } },
  { module: L, name: 'fails on absent with nothing to match', before: conf, args: { state: 'absent' } },
  // CRLF
  { module: L, name: 'sees a CRLF line as present', before: 'a\r\nb\r\n', args: { line: 'b' } },
  { module: L, name: 'replaces a CRLF line the regexp matches with an LF line', before: 'a\r\nb\r\n', args: { regexp: '^a', line: 'A' } },
  { module: L, name: 'appends an LF line to a CRLF file', before: 'a\r\nb\r\n', args: { line: 'c' } },
  { module: L, name: 'lets . match the carriage return in backrefs', before: 'k=v\r\n', args: { regexp: '^(k=.*)$', line: '\\1!', backrefs: true } },
  // attributes and backup
  { module: L, name: 'changes only the mode', before: conf, args: { line: 'a=1', mode: '0600' } },
  { module: L, name: 'adds a line and changes the mode', before: conf, args: { line: 'd=4', mode: '0640' } },
  { module: L, name: 'takes a backup when it changes the file', before: conf, args: { line: 'd=4', backup: true } },
  { module: L, name: 'takes no backup when nothing changes', before: conf, args: { line: 'a=1', backup: true } },

  // blockinfile
  { module: B, name: 'appends a block at EOF', before: conf, args: { block: 'x\ny\n' } },
  { module: B, name: 'leaves a block that is already there', before: conf + block, args: { block: 'x\ny\n' } },
  { module: B, name: 'updates the block between the markers', before: 'a\n' + block + 'z\n', args: { block: 'x\nnew\n' } },
  { module: B, name: 'removes the block with state absent', before: 'a\n' + block + 'z\n', args: { state: 'absent' } },
  { module: B, name: 'removes the block when block is empty', before: 'a\n' + block, args: { block: '' } },
  { module: B, name: 'changes nothing when absent and no markers', before: conf, args: { state: 'absent' } },
  { module: B, name: 'uses a custom marker with {mark}', before: '<html>\n</html>\n', args: { block: '<p/>', marker: '<!-- {mark} -->', insertafter: '<html>' } },
  { module: B, name: 'uses marker_begin and marker_end', before: conf, args: { block: 'x', marker_begin: 'START', marker_end: 'STOP' } },
  { module: B, name: 'inserts after the last insertafter match', before: 'x\ny\nx\nz\n', args: { block: 'B', insertafter: '^x' } },
  { module: B, name: 'appends when insertafter matches nothing', before: conf, args: { block: 'B', insertafter: '^nothing' } },
  { module: B, name: 'inserts before the last insertbefore match', before: 'x\ny\nx\nz\n', args: { block: 'B', insertbefore: '^x' } },
  { module: B, name: 'inserts at BOF', before: conf, args: { block: 'B', insertbefore: 'BOF' } },
  { module: B, name: 'takes insertafter BOF as a pattern', before: conf, args: { block: 'B', insertafter: 'BOF' } },
  { module: B, name: 'uses a multiline insertafter over the whole file', before: 'a\nb\nc\n', args: { block: 'B', insertafter: '(?m)^b\\nc' } },
  { module: B, name: 'inserts after a multiline insertafter match in the middle', before: 'a\nb\nc\n', args: { block: 'B', insertafter: '(?m)^a\\nb' } },
  { module: B, name: 'inserts before a multiline insertbefore match', before: 'a\nb\nc\n', args: { block: 'B', insertbefore: '(?m)^b$' } },
  { module: B, name: 'ends an unterminated last line before the block', before: 'a\nb', args: { block: 'B' } },
  { module: B, name: 'adds the newline a block lacks', before: conf, args: { block: 'x\ny' } },
  { module: B, name: 'handles markers in the wrong order', before: 'a\n# END ANSIBLE MANAGED BLOCK\nm\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n', args: { block: 'B' } },
  { module: B, name: 'fills an empty file', before: '', args: { block: 'B' } },
  { module: B, name: 'fails on a missing file without create', before: null, args: { block: 'B' } },
  { module: B, name: 'creates a missing file with create', before: null, args: { block: 'B', create: true } },
  { module: B, name: 'reports a missing file with create and state absent', before: null, args: { create: true, state: 'absent' } },
  { module: B, name: 'fails on a missing file with state absent', before: null, args: { state: 'absent' } },
  { module: B, name: 'does not see CRLF markers and inserts again', before: 'a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nB\r\n# END ANSIBLE MANAGED BLOCK\r\n', args: { block: 'B' } },
  { module: B, name: 'changes the mode only', before: conf + '# BEGIN ANSIBLE MANAGED BLOCK\nB\n# END ANSIBLE MANAGED BLOCK\n', args: { block: 'B', mode: '0600' } },
  { module: B, name: 'takes a backup', before: conf, args: { block: 'B', backup: true } },

  // replace
  { module: R, name: 'replaces every match', before: 'foo bar foo\nfoo\n', args: { regexp: 'foo', replace: 'baz' } },
  { module: R, name: 'changes nothing without a match', before: conf, args: { regexp: 'zzz', replace: 'y' } },
  { module: R, name: 'expands \\1 and \\g<name>', before: 'k1=v1\nk2=v2\n', args: { regexp: '^(?P<k>\\w+)=(\\w+)$', replace: '\\2=\\g<k>' } },
  { module: R, name: 'anchors ^ and $ at every line', before: '#a\n# b\nc\n', args: { regexp: '^#\\s*(.*)$', replace: '\\1' } },
  { module: R, name: 'matches ^ after the final newline too', before: 'a\nb\n', args: { regexp: '^', replace: '> ' } },
  { module: R, name: 'replaces only after the after pattern', before: 'x=1\n[s]\nx=1\n', args: { regexp: 'x=1', replace: 'x=2', after: '\\[s\\]' } },
  { module: R, name: 'replaces only before the before pattern', before: 'x=1\n[s]\nx=1\n', args: { regexp: 'x=1', replace: 'x=2', before: '\\[s\\]' } },
  { module: R, name: 'replaces between after and before', before: 'x\n<a>\nx\n</a>\nx\n', args: { regexp: '^x$', replace: 'y', after: '<a>', before: '</a>' } },
  { module: R, name: 'reports after/before that do not match', before: conf, args: { regexp: 'a', replace: 'b', after: 'nowhere' } },
  { module: R, name: 'is unchanged when the replacement is the same text', before: conf, args: { regexp: 'a=1', replace: 'a=1' } },
  { module: R, name: 'deletes with the default replacement', before: 'a  \nb \n', args: { regexp: '[ \\t]+$' } },
  { module: R, name: 'works without a final newline', before: 'a=1\nb=2', args: { regexp: '2$', replace: '3' } },
  { module: R, name: 'does nothing to an empty file', before: '', args: { regexp: 'x', replace: 'y' } },
  { module: R, name: 'fails on a missing file', before: null, args: { regexp: 'x', replace: 'y' } },
  { module: R, name: 'does not match $ before a carriage return', before: 'foo\r\nbar\n', args: { regexp: 'o$', replace: '0' } },
  { module: R, name: 'lets . match a carriage return', before: 'foo\r\n', args: { regexp: '^(f.*)$', replace: '[\\1]' } },
  { module: R, name: 'replaces empty matches next to others as Python does', before: 'abxd\n', args: { regexp: 'x*', replace: '-' } },
  { module: R, name: 'lets (?s) make . match newlines', before: 'a\nb\nc\n', args: { regexp: '(?s)a.*b', replace: 'X' } },
  { module: R, name: 'expands a named group and a literal backslash', before: 'v=1\n', args: { regexp: '(?P<n>\\d)', replace: '\\\\\\g<n>' } },
  { module: R, name: 'changes the mode only', before: conf, args: { regexp: 'zzz', replace: 'y', mode: '0600' } },
  { module: R, name: 'takes a backup', before: conf, args: { regexp: 'a', replace: 'A', backup: true } },
];
