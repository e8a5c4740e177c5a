// Cases where a person edits a file after the model read it and before the model's hunk lands:
// the file, the model's hunk (as patch lines: ' ' context, '-' removed, '+' added, each as the
// model wrote it), the person's change, and what the file must be afterwards. Used by
// server/ai/aiConcurrentEdits.test.ts through the real AI peer with both edit formats
// (apply_patch and SEARCH/REPLACE, derived from the same hunk lines).

export interface PersonChange {
  /** Text in the file the person changes (first occurrence) … */
  find: string;
  /** … into this (typed as the minimal edit: the common prefix and suffix stay). */
  replace: string;
}

export interface ConcurrentCase {
  name: string;
  path: string;
  file: string;
  hunk: string[];
  person: PersonChange | null;
  /**
   * 'merged': the file afterwards; 'refused': the hunk is refused naming the person and the file
   * is the person's version; 'linesKept': the file contains the person's added line once and,
   * without it, is `file` (the model's result).
   */
  expect: { kind: 'merged'; file: string } | { kind: 'refused' } | { kind: 'linesKept'; line: string; file: string };
}

const L = (...lines: string[]) => `${lines.join('\n')}\n`;

export const CONCURRENT_CASES: ConcurrentCase[] = [
  // ---- a person changes a line the hunk quotes only as context ----------------------------
  {
    name: 'TS: a context line changed (1000 → 1_000) stays',
    path: 'src/total.ts',
    file: L('export function total(items: Item[]) {', '  const sum = items.reduce((a, b) => a + b.price, 0);', '  return sum / 1000;', '}'),
    hunk: [' export function total(items: Item[]) {', '-  const sum = items.reduce((a, b) => a + b.price, 0);', '+  const sum = items.reduce((acc, item) => acc + item.price, 0);', '   return sum / 1000;', ' }'],
    person: { find: 'sum / 1000', replace: 'sum / 1_000' },
    expect: { kind: 'merged', file: L('export function total(items: Item[]) {', '  const sum = items.reduce((acc, item) => acc + item.price, 0);', '  return sum / 1_000;', '}') },
  },
  {
    name: 'Python: a renamed call in a context line stays',
    path: 'app/load.py',
    file: L('def load(path):', '    data = read(path)', '    rows = parse(data)', '    return rows'),
    hunk: [' def load(path):', '     data = read(path)', '-    rows = parse(data)', '+    rows = parse(data, strict=True)', '     return rows'],
    person: { find: 'read(path)', replace: 'read_file(path)' },
    expect: { kind: 'merged', file: L('def load(path):', '    data = read_file(path)', '    rows = parse(data, strict=True)', '    return rows') },
  },
  {
    name: 'CSS: an edited selector in the context stays',
    path: 'styles/card.css',
    file: L('.card {', '  padding: 8px;', '  color: #333;', '}'),
    hunk: [' .card {', '-  padding: 8px;', '+  padding: 12px;', '   color: #333;', ' }'],
    person: { find: '.card {', replace: '.card, .panel {' },
    expect: { kind: 'merged', file: L('.card, .panel {', '  padding: 12px;', '  color: #333;', '}') },
  },
  {
    name: 'Go: a changed condition in the context stays',
    path: 'cmd/main.go',
    file: L('func main() {', '\tcfg := load()', '\tif cfg.Debug {', '\t\tlog.Println("debug")', '\t}', '}'),
    hunk: ['\tif cfg.Debug {', '-\t\tlog.Println("debug")', '+\t\tlog.Printf("debug %v", cfg)', '\t}'].map((l) => (l.startsWith('-') || l.startsWith('+') ? l : ` ${l}`)),
    person: { find: 'if cfg.Debug {', replace: 'if cfg.Debug || cfg.Verbose {' },
    expect: { kind: 'merged', file: L('func main() {', '\tcfg := load()', '\tif cfg.Debug || cfg.Verbose {', '\t\tlog.Printf("debug %v", cfg)', '\t}', '}') },
  },
  {
    name: 'JSON: a changed value in a context line stays',
    path: 'package.json',
    file: L('{', '  "name": "demo",', '  "version": "1.0.0",', '  "private": true', '}'),
    hunk: ['   "name": "demo",', '-  "version": "1.0.0",', '+  "version": "1.1.0",', '   "private": true'],
    person: { find: '"demo"', replace: '"demo-app"' },
    expect: { kind: 'merged', file: L('{', '  "name": "demo-app",', '  "version": "1.1.0",', '  "private": true', '}') },
  },
  {
    name: 'YAML: a changed image tag in the context stays',
    path: 'deploy/app.yaml',
    file: L('spec:', '  image: app:1.4', '  replicas: 2', '  port: 8080'),
    hunk: [' spec:', '   image: app:1.4', '-  replicas: 2', '+  replicas: 3', '   port: 8080'],
    person: { find: 'app:1.4', replace: 'app:1.5' },
    expect: { kind: 'merged', file: L('spec:', '  image: app:1.5', '  replicas: 3', '  port: 8080') },
  },
  // ---- a person changes a line the hunk replaces ------------------------------------------
  {
    name: 'TS: a rename on a line the model re-sends unchanged merges',
    path: 'src/calc.ts',
    file: L('function run(x: number, y: number) {', '  const a = compute(x);', '  const b = compute(y);', '  return a + b;', '}'),
    hunk: ['-  const a = compute(x);', '-  const b = compute(y);', '+  const a = compute(x);', '+  const b = computeFast(y);'],
    person: { find: 'const a = compute(x)', replace: 'const alpha = compute(x)' },
    expect: { kind: 'merged', file: L('function run(x: number, y: number) {', '  const alpha = compute(x);', '  const b = computeFast(y);', '  return a + b;', '}') },
  },
  {
    name: 'Python: a comment added at the end of a re-sent line merges',
    path: 'app/stats.py',
    file: L('def stats(rows):', '    count = len(rows)', '    total = sum(rows)', '    return count, total'),
    hunk: ['-    count = len(rows)', '-    total = sum(rows)', '+    count = len(rows)', '+    total = sum(r.value for r in rows)'],
    person: { find: 'count = len(rows)', replace: 'count = len(rows)  # rows seen' },
    expect: { kind: 'merged', file: L('def stats(rows):', '    count = len(rows)  # rows seen', '    total = sum(r.value for r in rows)', '    return count, total') },
  },
  {
    name: 'CSS: another value on the line the model changes merges',
    path: 'styles/box.css',
    file: L('.box {', '  margin: 4px 8px;', '}'),
    hunk: [' .box {', '-  margin: 4px 8px;', '+  margin: 4px 16px;', ' }'],
    person: { find: 'margin: 4px', replace: 'margin: 2px' },
    expect: { kind: 'merged', file: L('.box {', '  margin: 2px 16px;', '}') },
  },
  {
    name: 'TS: a comment extended on the line the model changes merges',
    path: 'src/config.ts',
    file: L('export const config = {', '  timeout: 30, // seconds', '  retries: 2,', '};'),
    hunk: [' export const config = {', '-  timeout: 30, // seconds', '+  timeout: 60, // seconds', '   retries: 2,'],
    person: { find: '// seconds', replace: '// seconds, see #12' },
    expect: { kind: 'merged', file: L('export const config = {', '  timeout: 60, // seconds, see #12', '  retries: 2,', '};') },
  },
  {
    name: 'Rust: a renamed binding on the line the model changes merges',
    path: 'src/user.rs',
    file: L('fn greet(user: &User) -> String {', '    let name = user.name.clone();', '    format!("hi {}", name)', '}'),
    hunk: [' fn greet(user: &User) -> String {', '-    let name = user.name.clone();', '+    let name = user.display_name.clone();', '     format!("hi {}", name)'],
    person: { find: 'let name =', replace: 'let user_name =' },
    expect: { kind: 'merged', file: L('fn greet(user: &User) -> String {', '    let user_name = user.display_name.clone();', '    format!("hi {}", name)', '}') },
  },
  {
    name: 'Java: an annotation argument changed on a replaced line merges',
    path: 'src/Api.java',
    file: L('class Api {', '  @Timeout(5) public Result call(Request r) {', '    return client.send(r);', '  }', '}'),
    hunk: ['-  @Timeout(5) public Result call(Request r) {', '-    return client.send(r);', '+  @Timeout(5) public Result call(Request r) {', '+    return client.sendWithRetry(r);'],
    person: { find: '@Timeout(5)', replace: '@Timeout(10)' },
    expect: { kind: 'merged', file: L('class Api {', '  @Timeout(10) public Result call(Request r) {', '    return client.sendWithRetry(r);', '  }', '}') },
  },
  // ---- a person changes the very characters the model changes: refused ---------------------
  {
    name: 'TS: the same number changed by both is refused',
    path: 'src/retry.ts',
    file: L('export const policy = {', '  retries: 3,', '  backoff: "linear",', '};'),
    hunk: [' export const policy = {', '-  retries: 3,', '+  retries: 5,', '   backoff: "linear",'],
    person: { find: 'retries: 3', replace: 'retries: 4' },
    expect: { kind: 'refused' },
  },
  {
    name: 'CSS: the same colour changed by both is refused',
    path: 'styles/text.css',
    file: L('p {', '  color: #333333;', '  line-height: 1.5;', '}'),
    hunk: [' p {', '-  color: #333333;', '+  color: #111111;', '   line-height: 1.5;'],
    person: { find: '#333333', replace: '#222222' },
    expect: { kind: 'refused' },
  },
  {
    name: 'Python: the same operator changed by both is refused',
    path: 'app/ops.py',
    file: L('def combine(a, b):', '    return a + b'),
    hunk: [' def combine(a, b):', '-    return a + b', '+    return a - b'],
    person: { find: 'a + b', replace: 'a * b' },
    expect: { kind: 'refused' },
  },
  {
    name: 'Java: one method name extended by both is refused',
    path: 'src/User.java',
    file: L('class User {', '  String getName() { return name; }', '}'),
    hunk: [' class User {', '-  String getName() { return name; }', '+  String getFullName() { return name; }', ' }'],
    person: { find: 'getName', replace: 'getDisplayName' },
    expect: { kind: 'refused' },
  },
  {
    name: 'Go: a line the model changes, deleted by the person, is refused',
    path: 'pkg/limits.go',
    file: L('const (', '\tMaxUsers = 10', '\tMaxRooms = 5', ')'),
    hunk: [' const (', '-\tMaxUsers = 10', '+\tMaxUsers = 100', ' \tMaxRooms = 5'],
    person: { find: '\tMaxUsers = 10\n', replace: '' },
    expect: { kind: 'refused' },
  },
  {
    name: 'Ruby: the same string changed by both is refused',
    path: 'lib/greeting.rb',
    file: L('def greeting', '  "Hello"', 'end'),
    hunk: [' def greeting', '-  "Hello"', '+  "Welcome"', ' end'],
    person: { find: '"Hello"', replace: '"Hi there"' },
    expect: { kind: 'refused' },
  },
  // ---- a person inserts a line between the lines the hunk replaces -------------------------
  {
    name: 'Python: a line inserted between rewritten lines survives',
    path: 'app/steps.py',
    file: L('def steps():', '    first()', '    second()', '    third()'),
    hunk: [' def steps():', '-    first()', '-    second()', '-    third()', '+    prepare()', '+    run_all()'],
    person: { find: '    first()\n', replace: '    first()\n    audit()\n' },
    expect: { kind: 'linesKept', line: '    audit()', file: L('def steps():', '    prepare()', '    run_all()') },
  },
  {
    name: 'TS: a line inserted between modified lines survives',
    path: 'src/init.ts',
    file: L('export function init() {', '  setupLogging(1);', '  setupCache(2);', '}'),
    hunk: [' export function init() {', '-  setupLogging(1);', '-  setupCache(2);', '+  setupLogging(3);', '+  setupCache(4);', ' }'],
    person: { find: '  setupLogging(1);\n', replace: '  setupLogging(1);\n  setupMetrics();\n' },
    expect: { kind: 'linesKept', line: '  setupMetrics();', file: L('export function init() {', '  setupLogging(3);', '  setupCache(4);', '}') },
  },
  {
    name: 'Rust: a line inserted inside the replaced block survives',
    path: 'src/main.rs',
    file: L('fn main() {', '    let a = 1;', '    let b = 2;', '    println!("{}", a + b);', '}'),
    hunk: [' fn main() {', '-    let a = 1;', '-    let b = 2;', '+    let a: u64 = 1;', '+    let b: u64 = 2;', '     println!("{}", a + b);'],
    person: { find: '    let a = 1;\n', replace: '    let a = 1;\n    // inputs\n' },
    expect: { kind: 'linesKept', line: '    // inputs', file: L('fn main() {', '    let a: u64 = 1;', '    let b: u64 = 2;', '    println!("{}", a + b);', '}') },
  },
  // ---- the model's copy differs in whitespace: the file's bytes stay (nobody else typing) ---
  {
    name: 'Go: tab-indented unchanged lines quoted with spaces keep their tabs',
    path: 'cmd/serve.go',
    file: L('func serve() {', '\tif err != nil {', '\t\treturn err', '\t}', '}'),
    hunk: ['-    if err != nil {', '-        return err', '-    }', '+    if err != nil {', '+        return fmt.Errorf("serve: %w", err)', '+    }'],
    person: null,
    expect: { kind: 'merged', file: L('func serve() {', '\tif err != nil {', '        return fmt.Errorf("serve: %w", err)', '\t}', '}') },
  },
  {
    name: 'Python: a whitespace-only line quoted empty keeps its spaces',
    path: 'app/shape.py',
    file: L('class Shape:', '    def area(self):', '        return 0', '    ', '    def name(self):', '        return "shape"'),
    hunk: ['-        return 0', '-', '-    def name(self):', '+        return 1', '+', '+    def name(self):'],
    person: null,
    expect: { kind: 'merged', file: L('class Shape:', '    def area(self):', '        return 1', '    ', '    def name(self):', '        return "shape"') },
  },
];

/** The person's change typed as one minimal edit: [index, characters deleted, text inserted]. */
export function minimalEdit(text: string, change: PersonChange): [number, number, string] {
  const at = text.indexOf(change.find);
  if (at < 0) throw new Error(`the case's person change does not find ${JSON.stringify(change.find)}`);
  const { find, replace } = change;
  let p = 0;
  while (p < find.length && p < replace.length && find[p] === replace[p]) p++;
  let q = 0;
  while (q < find.length - p && q < replace.length - p && find[find.length - 1 - q] === replace[replace.length - 1 - q]) q++;
  return [at + p, find.length - p - q, replace.slice(p, replace.length - q)];
}

/** The hunk as an apply_patch input. */
export function asApplyPatch(c: ConcurrentCase): string {
  return `*** Begin Patch\n*** Update File: ${c.path}\n@@\n${c.hunk.join('\n')}\n*** End Patch\n`;
}

/** The hunk as a SEARCH/REPLACE block (the unchanged lines on both sides). */
export function asSearchReplace(c: ConcurrentCase): string {
  const search = c.hunk.filter((l) => !l.startsWith('+')).map((l) => l.slice(1));
  const replace = c.hunk.filter((l) => !l.startsWith('-')).map((l) => l.slice(1));
  return `Here is the change.\n\n${c.path}\n\`\`\`\n<<<<<<< SEARCH\n${search.join('\n')}\n=======\n${replace.join('\n')}\n>>>>>>> REPLACE\n\`\`\`\n`;
}
