import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTemplated, render } from '../../src/template/index.js';
import { UserError } from '../../src/model/index.js';

const where = { file: 'site.yml', line: 12, col: 5 };
const scope = {
  base: '/srv',
  app_dir: '{{ base }}/app',
  logs: '{{ app_dir }}/logs',
  ports: [80, 443],
  conf: { user: 'www', opts: { tls: true } },
  flag: true,
  off: false,
  n: null,
  count: 3,
  ratio: 1.5,
  name: 'web',
  greeting: "it's",
  pkgs: '{{ base_pkgs + ["nginx"] }}',
  base_pkgs: ['curl'],
  settings: { root: '{{ app_dir }}', list: ['{{ base }}/a', 1] },
  a: '{{ b }}',
  b: '{{ c }}',
  c: '{{ a }}',
  self_ref: '{{ self_ref }}x',
  broken: '{{ nope }}/x',
};

/** [template, native value it renders to] */
const cases: Array<[string, unknown]> = [
  ['plain text', 'plain text'],
  ['{{ ports }}', [80, 443]],
  ['{{ conf }}', { user: 'www', opts: { tls: true } }],
  ['{{ count }}', 3],
  ['{{ ratio }}', 1.5],
  ['{{ flag }}', true],
  ['{{ n }}', null],
  ['{{ name }}', 'web'],
  ['  {{ ports }}\n', '  [80, 443]\n'],
  ['{{ ports }}\n', [80, 443]],
  ['{{- ports -}}', [80, 443]],
  ['{{ ports | length + 1 }}', '3'],
  ["{{ {'a': [1, none]} }}", { a: [1, null] }],
  ['{{ True }}', true],
  ['{{ None }}', ''],
  ["{{ '0' == 0 }}", false],
  // jinja2_native off (ansible-core's default): what is not one variable's number prints as text,
  // and text that reads as a Python list, dict or bool becomes one.
  ['{{ 7 / 2 }}', '3.5'],
  ['{{ 6 / 2 }}', '3.0'],
  ['{{ (6 / 2) | int }}', '3'],
  ['r={{ 6 / 2 }} {{ 1e20 }} {{ 0.00001 }}', 'r=3.0 1e+20 1e-05'],
  ["{{ '[1, 2]' }}", [1, 2]],
  ["{{ '{\"a\": true}' }}", { a: true }],
  ['[{{ count }}, {{ flag }}]', [3, true]],
  ['[{{ count }}', '[3'],
  ["{{ 'True' }}", true],
  ['{{ ports | to_json }}', '[80, 443]'],
  ['{{ count | string }}', '3'],
  ["{{ conf.get('user') }} {{ conf.get('nope', 'dflt') }} {{ conf.opts.get('tls', false) }}", 'www dflt True'],
  ['{{ 0 == 0.0 }}', true],
  // interpolation gives strings, printed as Python prints them
  ['port {{ count }}', 'port 3'],
  ['{{ name }}-{{ count }}', 'web-3'],
  // ansible-core's finalize prints None as nothing.
  ['is {{ flag }}/{{ off }}/{{ n }}', 'is True/False/'],
  ['list {{ ports }}', 'list [80, 443]'],
  ['dict {{ conf.opts }}', "dict {'tls': True}"],
  ['q {{ [greeting] }}', `q ["it's"]`],
  ['{{ name }}\n', 'web\n'],
  ['  {{ name }} ', '  web '],
  ['  {{- name -}} ', 'web'],
  ['{% if flag %}on{% else %}off{% endif %}', 'on'],
  ['{% for p in ports %}{{ p }};{% endfor %}', '80;443;'],
  ['{% for p in ports %}\n{{ loop.index }}:{{ p }}\n{% endfor %}', '1:80\n2:443\n'],
  ['{% set x = count * 2 %}{{ x }}!', '6!'],
  ['{# note #}{{ name }}!', 'web!'],
  ['{% raw %}{{ not_rendered }}{% endraw %}', '{{ not_rendered }}'],
  ["{{ '}}' }} and {{ '{{' }}", '}} and {{'],
  // lazy variables
  ['{{ app_dir }}', '/srv/app'],
  ['{{ logs }}', '/srv/app/logs'],
  ['{{ pkgs }}', ['curl', 'nginx']],
  ['{{ settings.root }}', '/srv/app'],
  ['{{ settings.list }}', ['/srv/a', 1]],
];

for (const [src, expected] of cases) {
  test(`render ${JSON.stringify(src)} gives ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(render(src, scope, where), expected);
  });
}

test('render walks lists and mappings, keys included', () => {
  const out = render({ '{{ name }}_dir': ['{{ app_dir }}', 7, { deep: '{{ ports }}' }], plain: 'x' }, scope);
  assert.deepEqual(out, { web_dir: ['/srv/app', 7, { deep: [80, 443] }], plain: 'x' });
});

test('values without templates come back as the very same object', () => {
  const v = { a: ['x', 1], b: { c: 'y' } };
  assert.equal(render(v, scope), v);
});

test('non-string scalars pass through', () => {
  assert.equal(render(5, scope), 5);
  assert.equal(render(null, scope), null);
  assert.equal(render(false, scope), false);
});

test('isTemplated sees each Jinja delimiter and nothing else', () => {
  assert.equal(isTemplated('a {{ b }}'), true);
  assert.equal(isTemplated('{% if x %}{% endif %}'), true);
  assert.equal(isTemplated('{# c #}'), true);
  assert.equal(isTemplated('a { b } %'), false);
});

/** [template, exact error message] */
const errors: Array<[string, string]> = [
  ['{{ foo }}', "site.yml:12:5: 'foo' is undefined"],
  ['x {{ foo }} y', "site.yml:12:5: 'foo' is undefined"],
  ['{{ foo ~ "/x" }}', "site.yml:12:5: 'foo' is undefined"],
  ['{{ foo.bar }}', "site.yml:12:5: 'foo' is undefined"],
  ['{{ conf.group }}', "site.yml:12:5: 'conf' has no attribute 'group'"],
  ['{{ conf.opts.tlss }}', "site.yml:12:5: 'conf.opts' has no attribute 'tlss' (did you mean 'tls'?)"],
  ['{{ conf["group"] }}', "site.yml:12:5: 'conf' has no attribute 'group'"],
  ['{{ nme }}', "site.yml:12:5: 'nme' is undefined (did you mean 'name'?)"],
  ['{{ a }}', "site.yml:12:5: recursive loop detected in template for 'a'"],
  ['{{ self_ref }}', "site.yml:12:5: recursive loop detected in template for 'self_ref'"],
  ['{{ broken }}', "site.yml:12:5: 'nope' is undefined (in variable 'broken')"],
  ['{{ 1 + }}', 'site.yml:12:5: template error in "1 +": syntax error: unexpected end of input, expected expression'],
  ['{% if flag %}x', 'site.yml:12:5: template error in "{% if flag %}x": syntax error: unexpected end of input, expected end of block'],
];

for (const [src, message] of errors) {
  test(`render ${JSON.stringify(src)} fails with ${JSON.stringify(message)}`, () => {
    assert.throws(() => render(src, scope, where), (e: unknown) => {
      assert.ok(e instanceof UserError, String(e));
      assert.equal(e.message, message);
      assert.deepEqual(e.pos, where);
      return true;
    });
  });
}

test('an undefined variable inside an if branch that runs is an error', () => {
  assert.throws(() => render('{% if flag %}{{ foo }}{% endif %}', scope, where), { message: "site.yml:12:5: 'foo' is undefined" });
});

test('an undefined variable in a branch that does not run is fine, as in Jinja', () => {
  assert.equal(render('{% if off %}{{ foo }}{% endif %}ok', scope), 'ok');
});

test('without a position the message is the bare text', () => {
  assert.throws(() => render('{{ foo }}', scope), { message: "'foo' is undefined" });
});

test('loop variables and set targets are locals, not undefined scope names', () => {
  assert.equal(render('{% for k, v in conf.opts.items() %}{{ k }}={{ v }}{% endfor %}', scope), 'tls=True');
});

test('a scope built with a prototype chain is read through', () => {
  const child = Object.assign(Object.create(scope), { name: 'db' });
  assert.equal(render('{{ name }}@{{ base }}', child), 'db@/srv');
});

test('names inherited from Object are not variables', () => {
  assert.throws(() => render('{{ constructor }}', {}), { message: "'constructor' is undefined" });
});

test('a lone variable keeps its mapping key order', () => {
  assert.deepEqual(Object.keys(render('{{ conf }}', scope) as object), ['user', 'opts']);
});

test('a lone variable is a copy: changing it leaves the scope alone', () => {
  const s = { l: [1, { a: 1 }] };
  const out = render('{{ l }}', s) as unknown[];
  (out[1] as Record<string, number>).a = 2;
  assert.deepEqual(s.l, [1, { a: 1 }]);
});

test('a lone keyword is a literal, not a variable', () => {
  assert.equal(render('{{ true }}', { true: 'no' }), true);
});

const fleet = {
  hostvars: {
    web1: { ansible_host: '10.0.0.1', port: 80 },
    web2: { ansible_host: '10.0.0.2', port: '{{ base_port + 1 }}' },
  },
  base_port: 8000,
  inventory_hostname: 'web2',
  me: '{{ inventory_hostname }}',
  hosts: ['web1', 'web2'],
};

test('hostvars read through a key give that host\'s values', () => {
  assert.equal(render("{{ hostvars[inventory_hostname].ansible_host }} {{ hostvars['web1'].port }} {{ hostvars.web1.ansible_host }}", fleet), '10.0.0.2 80 10.0.0.1');
});

test('a key taken from a templated variable is resolved first', () => {
  assert.equal(render('{{ hostvars[me].ansible_host }}!', fleet), '10.0.0.2!');
});

test('templated values inside a key-read mapping are rendered', () => {
  assert.equal(render('{{ hostvars[inventory_hostname].port }}', fleet), '8001');
});

test('a key-read mapping used by a loop variable still works', () => {
  assert.equal(render('{% for h in hosts %}{{ hostvars[h].ansible_host }} {% endfor %}', fleet), '10.0.0.1 10.0.0.2 ');
});

test('a key missing from a key-read mapping names the owner', () => {
  assert.throws(() => render("{{ hostvars['web9'].port }}", fleet, where), { message: "site.yml:12:5: 'hostvars' has no attribute 'web9'" });
});

test('a mapping read whole and by key in one template is passed whole', () => {
  assert.equal(render("{{ hostvars['web1'].port }} {{ hostvars | length }}", fleet), '80 2');
});
