/**
 * `npm run bench -- <name> [args…]`: runs one benchmark (or all with no name) and prints its
 * figures. Arguments after a benchmark's name that name no benchmark are that benchmark's own
 * (`npm run bench -- nexmark q5 --events 200000`); only benchmarks that take arguments get them.
 */
const benchmarks: Record<string, () => Promise<{ run(args?: readonly string[]): Promise<void> }>> = {
  local: () => import('./local.js'),
  windows: () => import('./windows.js'),
  network: () => import('./network.js'),
  checkpoints: () => import('./checkpoints.js'),
  state: () => import('./state.js'),
  nexmark: () => import('./nexmark.js'),
  kafka: () => import('./kafka.js'),
};
const TAKES_ARGUMENTS = new Set(['nexmark', 'kafka']);

const selected: { name: string; args: string[] }[] = [];
for (const arg of process.argv.slice(2)) {
  const current = selected.at(-1);
  if (benchmarks[arg] === undefined && current !== undefined) current.args.push(arg);
  else selected.push({ name: arg, args: [] });
}
if (selected.length === 0) selected.push(...Object.keys(benchmarks).map((name) => ({ name, args: [] })));
for (const { name, args } of selected) {
  const load = benchmarks[name];
  if (load === undefined) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  if (args.length > 0 && !TAKES_ARGUMENTS.has(name)) {
    console.error(`benchmark '${name}' takes no arguments, got ${args.join(' ')}`);
    process.exit(2);
  }
  await (await load()).run(args);
}
// A benchmark that finished with failed measurements set process.exitCode.
process.exit(process.exitCode ?? 0);
