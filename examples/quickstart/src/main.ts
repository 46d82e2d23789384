import { runQuickstart } from './quickstart.js';

const { summary } = await runQuickstart();
console.log('\nSummary:');
for (const line of summary) console.log(`  ${line}`);
