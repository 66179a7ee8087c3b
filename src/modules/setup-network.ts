/**
 * Network facts from `ip -o link`, `ip -o addr` and `ip route get` (what
 * ansible-core's Linux collector reads), and DNS from resolv.conf. With no
 * `ip` on the host there are no network facts, as in ansible-core.
 */
import type { Vars } from '../model/index.js';

interface Iface {
  device: string;
  active: boolean;
  mtu?: number;
  macaddress?: string;
  promisc: boolean;
  type: string;
  ipv4?: Vars;
  ipv4_secondaries?: Vars[];
  ipv6?: Vars[];
}

const LINK_TYPES: Record<string, string> = { 'link/ether': 'ether', 'link/loopback': 'loopback', 'link/ppp': 'ppp', 'link/none': 'tunnel', 'link/ipip': 'tunnel', 'link/sit': 'tunnel', 'link/gre': 'tunnel' };

/** The `ip` section's parts: `@link`, `@addr`, `@route4`, `@route6`. */
function parts(lines: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let cur: string[] | undefined;
  for (const line of lines) {
    if (/^@(link|addr|route4|route6)$/.test(line)) out[line.slice(1)] = cur = [];
    else if (cur && line.trim()) cur.push(line);
  }
  return out;
}

function parseLinks(lines: string[]): Map<string, Iface> {
  const out = new Map<string, Iface>();
  for (const line of lines) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>(.*)$/.exec(line);
    if (!m) continue;
    const [, device, flags, rest] = m;
    const words = rest.replace(/\\/g, ' ').trim().split(/\s+/);
    const at = (k: string) => { const i = words.indexOf(k); return i >= 0 ? words[i + 1] : undefined; };
    const linkWord = words.find((w) => w.startsWith('link/')) ?? '';
    const mac = linkWord ? words[words.indexOf(linkWord) + 1] : undefined;
    const iface: Iface = {
      device,
      active: at('state') !== 'DOWN',
      promisc: flags.split(',').includes('PROMISC'),
      type: LINK_TYPES[linkWord] ?? 'unknown',
    };
    const mtu = Number(at('mtu'));
    if (Number.isInteger(mtu)) iface.mtu = mtu;
    if (mac && /^[0-9a-f]{2}(:[0-9a-f]{2})+$/.test(mac) && !/^(00:)+00$/.test(mac)) iface.macaddress = mac;
    out.set(device, iface);
  }
  return out;
}

function ipv4Details(cidr: string, brd: string | undefined): Vars {
  const [address, p] = cidr.split('/');
  const prefix = Number(p ?? 32);
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const toStr = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  const mask = prefix === 0 ? 0 : (0xffffffff - (2 ** (32 - prefix) - 1));
  const network = Number((BigInt(toInt(address)) & BigInt(mask)));
  return { address, broadcast: brd ?? '', netmask: toStr(mask), network: toStr(network), prefix: String(prefix) };
}

/** Facts of the `network` collector. */
export function networkFacts(lines: string[]): Vars {
  const p = parts(lines);
  if (!p.link && !p.addr) return {};
  const ifaces = parseLinks(p.link ?? []);
  const all4: string[] = [];
  const all6: string[] = [];
  const aliases = new Map<string, string>();
  for (const line of p.addr ?? []) {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+(\S+)(.*)$/.exec(line.replace(/\\.*$/, ''));
    if (!m) continue;
    const [, device, family, cidr, rest] = m;
    const iface = ifaces.get(device) ?? { device, active: true, promisc: false, type: 'unknown' };
    ifaces.set(device, iface);
    const words = rest.trim().split(/\s+/);
    const at = (k: string) => { const i = words.indexOf(k); return i >= 0 ? words[i + 1] : undefined; };
    if (family === 'inet') {
      const d = ipv4Details(cidr, at('brd'));
      if (!iface.ipv4) iface.ipv4 = d;
      else (iface.ipv4_secondaries ??= []).push(d);
      // The label (`eth0:1`) is the line's last word.
      aliases.set(String(d.address), words.at(-1) || device);
      if (!String(d.address).startsWith('127.')) all4.push(String(d.address));
    } else {
      const [address, prefix] = cidr.split('/');
      (iface.ipv6 ??= []).push({ address, prefix: prefix ?? '128', scope: at('scope') ?? '' });
      if (address !== '::1') all6.push(address);
    }
  }
  const facts: Vars = {
    interfaces: [...ifaces.keys()],
    all_ipv4_addresses: all4,
    all_ipv6_addresses: all6,
    default_ipv4: defaultRoute(p.route4, ifaces, 4, aliases),
    default_ipv6: defaultRoute(p.route6, ifaces, 6, aliases),
  };
  for (const [dev, iface] of ifaces) facts[dev.replace(/[-:.]/g, '_')] = { ...iface };
  return facts;
}

function defaultRoute(lines: string[] | undefined, ifaces: Map<string, Iface>, family: 4 | 6, aliases: Map<string, string>): Vars {
  const words = (lines?.[0] ?? '').trim().split(/\s+/);
  const at = (k: string) => { const i = words.indexOf(k); return i >= 0 ? words[i + 1] : undefined; };
  const dev = at('dev');
  const src = at('src');
  if (!dev) return {};
  const out: Vars = { interface: dev };
  if (src) out.address = src;
  const via = at('via');
  if (via) out.gateway = via;
  const iface = ifaces.get(dev);
  if (!iface) return out;
  if (family === 4) {
    const match = [iface.ipv4, ...(iface.ipv4_secondaries ?? [])].find((a) => a && a.address === src);
    if (match) Object.assign(out, match, { alias: aliases.get(String(src)) ?? dev });
  } else {
    const match = iface.ipv6?.find((a) => a.address === src);
    if (match) Object.assign(out, { prefix: match.prefix, scope: match.scope });
  }
  if (iface.macaddress) out.macaddress = iface.macaddress;
  if (iface.mtu !== undefined) out.mtu = iface.mtu;
  out.type = iface.type;
  return out;
}

/** `ansible_dns` from resolv.conf. */
export function dnsFacts(lines: string[]): Vars {
  const dns: Vars = {};
  for (const line of lines) {
    const [key, ...rest] = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (!key || rest.length === 0) continue;
    if (key === 'nameserver') ((dns.nameservers ??= []) as string[]).push(rest[0]);
    else if (key === 'domain') dns.domain = rest[0];
    else if (key === 'search') dns.search = rest;
    else if (key === 'sortlist') dns.sortlist = rest;
    else if (key === 'options') {
      const opts = (dns.options ??= {}) as Vars;
      for (const o of rest) {
        const [k, v] = o.split(':', 2);
        opts[k] = v ?? true;
      }
    }
  }
  return dns;
}
