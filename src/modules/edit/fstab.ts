/**
 * What ansible.posix's `mount` does to an fstab text and how it reads the
 * mounts of a Linux host, as pure functions: set_mount (the entry for the
 * mount point added or its fields brought in line, written
 * `src name fstype opts dump passno`), unset_mount (every entry of the
 * mount point dropped; only whole six-field lines count), fstab escapes
 * (`\040` for a space…), and get_linux_mounts over /proc/self/mountinfo.
 */

export interface FstabEntry {
  name: string;
  src?: string;
  fstype?: string;
  opts: string;
  dump: string;
  passno: string;
}

/** fstab's escapes for a field: backslash, space, ampersand. */
export function escapeField(v: string): string {
  return v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');
}

/** Python's `readlines()`: lines with their ends. */
function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Whether a line is the entry of `name` (for swap, `none` entries told apart by their source). */
function isEntry(ld: Record<string, string>, name: string, src: string | undefined): boolean {
  return ld.name === name && !(src !== undefined && ld.name === 'none' && ld.fstype === 'swap' && ld.src !== src);
}

/** set_mount: the new text (every line ends with a newline), whether it changed. */
export function setMount(text: string, e: FstabEntry): { text: string; changed: boolean } {
  const esc: Record<string, string> = {
    name: escapeField(e.name), src: escapeField(e.src ?? 'None'), fstype: escapeField(e.fstype ?? 'None'),
    opts: escapeField(e.opts), dump: escapeField(e.dump), passno: escapeField(e.passno),
  };
  const out: string[] = [];
  let exists = false;
  let changed = false;
  const format = (d: Record<string, string>) => `${d.src} ${d.name} ${d.fstype} ${d.opts} ${d.dump} ${d.passno}\n`;
  for (let line of readLines(text)) {
    if (!line.endsWith('\n')) line += '\n';
    if (!line.trim() || line.trim().startsWith('#')) {
      out.push(line);
      continue;
    }
    const fields = line.split('#')[0]!.split(/\s+/).filter(Boolean);
    if (fields.length < 4 || fields.length > 6) {
      out.push(line);
      continue;
    }
    const labels = ['src', 'name', 'fstype', 'opts', 'dump', 'passno'];
    const ld: Record<string, string> = { dump: '0', passno: '0' };
    fields.forEach((f, i) => (ld[labels[i]!] = f));
    if (!isEntry(ld, esc.name!, e.src)) {
      out.push(line);
      continue;
    }
    exists = true;
    let differs = false;
    for (const t of ['src', 'fstype', 'opts', 'dump', 'passno']) {
      if (ld[t] !== esc[t]) {
        ld[t] = esc[t]!;
        differs = true;
      }
    }
    // As ansible.posix: once one entry differed, later entries of the same point are rewritten too.
    changed ||= differs;
    out.push(changed ? format(ld) : line);
  }
  if (!exists) {
    out.push(format(esc));
    changed = true;
  }
  return { text: out.join(''), changed };
}

/** unset_mount: the text without the entries of `name`, whether any was there. */
export function unsetMount(text: string, name: string, src?: string): { text: string; changed: boolean } {
  const esc = escapeField(name);
  const out: string[] = [];
  let changed = false;
  for (const line of readLines(text)) {
    const fields = line.split(/\s+/).filter(Boolean);
    if (!line.trim() || line.trim().startsWith('#') || fields.length !== 6) {
      out.push(line);
      continue;
    }
    const [s, n, fstype] = fields as [string, string, string];
    if (!isEntry({ src: s, name: n, fstype }, esc, src)) {
      out.push(line);
      continue;
    }
    changed = true;
  }
  return { text: out.join(''), changed };
}

export interface LinuxMount {
  dst: string;
  src: string;
  opts: string;
  fs: string;
}

/** get_linux_mounts: mount point → its source (a bind mount's source directory worked out from the parent's root). */
export function linuxMounts(mountinfo: string): Map<string, LinuxMount> {
  const info = new Map<number, { id: number; parent: number; root: string; dst: string; opts: string; fs: string; src: string }>();
  for (const line of mountinfo.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const f = line.split(/\s+/);
    info.set(Number(f[0]), { id: Number(f[0]), parent: Number(f[1]), root: f[3]!, dst: f[4]!, opts: f[5]!, fs: f[f.length - 3]!, src: f[f.length - 2]! });
  }
  const mounts = new Map<string, LinuxMount>();
  for (const m of info.values()) {
    let src = m.src;
    const parent = m.parent !== 1 ? info.get(m.parent) : undefined;
    if (parent) {
      let root = m.root;
      if (parent.root.length > 1 && root.startsWith(`${parent.root}/`)) root = root.slice(parent.root.length);
      if (parent.dst !== '/') root = `${parent.dst}${root}`;
      src = root;
    }
    mounts.set(m.dst, { dst: m.dst, src, opts: m.opts, fs: m.fs });
  }
  return mounts;
}
