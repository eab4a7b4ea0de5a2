/** `npm run bench -- <name>`: runs one benchmark (or all with no name) and prints its figures. */
const benchmarks: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  local: () => import('./local.js'),
  windows: () => import('./windows.js'),
  network: () => import('./network.js'),
  checkpoints: () => import('./checkpoints.js'),
  state: () => import('./state.js'),
};

const names = process.argv.slice(2);
const selected = names.length === 0 ? Object.keys(benchmarks) : names;
for (const name of selected) {
  const load = benchmarks[name];
  if (load === undefined) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  await (await load()).run();
}
process.exit(0);
