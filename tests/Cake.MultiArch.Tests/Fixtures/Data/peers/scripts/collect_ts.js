// Collects the rows of every test.each table in a vitest file, without running the tests.
// usage: node collect_ts.js <git-dir of docker/metadata-action> <commit> <test file, e.g. __tests__/meta.test.ts> > raw_meta.json
// (needs the typescript package: npm install typescript in a scratch folder, and NODE_PATH pointing at its node_modules)
const ts = require('typescript');
const {execFileSync} = require('child_process');
const vm = require('vm');
const [gitDir, commit, file] = process.argv.slice(2);
const show = p => execFileSync('git', ['--git-dir=' + gitDir, 'show', commit + ':' + p], {encoding: 'utf8', maxBuffer: 1 << 26});
const toJs = src => ts.transpileModule(src, {compilerOptions: {module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true}}).outputText;

function loadModule(path, requireFn) {
  const module = {exports: {}};
  vm.runInNewContext(toJs(show(path)), {module, exports: module.exports, require: requireFn, console, process: {env: {}}}, {filename: path});
  return module.exports;
}
const noop = () => {};
const spy = {mockImplementation: noop};
const stubRequire = name => {
  if (name === '../src/tag.js') return loadModule('src/tag.ts', n => n === '@actions/core' ? {} : {parse: noop});
  if (name.endsWith('repo.json')) return JSON.parse(show('__tests__/fixtures/repo.json'));
  if (name === '../src/context.js') return {ContextSource: {workflow: 'workflow', git: 'git'}, getContext: noop, getInputs: noop};
  if (name.startsWith('../src/')) return new Proxy({}, {get: (_, k) => k === '__esModule' ? true : (function stub() {})});
  if (name === 'vitest') return globalsForVitest;
  return new Proxy({}, {get: (_, k) => k === '__esModule' ? false : (k === 'prototype' ? {} : class {})});
};
const tables = [];
let suite = [];
const globalsForVitest = {
  describe: (name, body) => { suite.push(name); body(); suite.pop(); },
  test: Object.assign(noop, {each: rows => (title, fn) => tables.push({describe: suite.join(' > '), title, handler: fn.name || '(inline)', params: (fn.toString().match(/^[^(]*\(([^)]*)\)/) || [,''])[1].split(',').map(s => s.trim().split(':')[0].trim()), rows})}),
  expect: noop, beforeEach: noop,
  vi: {spyOn: () => spy, mock: noop, clearAllMocks: noop, importActual: noop}
};
const testModule = {exports: {}};
vm.runInNewContext(toJs(show(file)), {module: testModule, exports: testModule.exports, require: stubRequire, __dirname: '/x', console, process: {env: {}}, global: {Date}, Date}, {filename: file});
process.stdout.write(JSON.stringify(tables, null, 1));
