// Runs the CLI from source (through tsx) during development: node --import tsx scripts/dev-cli.mjs <args>
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
