// Compares the built schema with the public contract (docs/api-contract.graphql).
//
// Every breaking change from the contract to the built schema fails, unless it is
// listed in contract-pending.txt (parts not built yet). The list may only shrink:
// an entry that no longer matches a missing part fails too, so it must be removed.
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';
import { getSchema } from '../schema/build-schema';

const ROOT = path.resolve(__dirname, '..', '..');

export async function contractProblems(): Promise<{ unexpected: string[]; stalePending: string[]; pending: string[] }> {
  const contract = buildSchema(fs.readFileSync(path.join(ROOT, 'docs', 'api-contract.graphql'), 'utf8'));
  const built = await getSchema();
  const changes = findBreakingChanges(contract, built).map((c) => c.description);
  const pending = fs
    .readFileSync(path.join(ROOT, 'contract-pending.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const pendingSet = new Set(pending);
  const changeSet = new Set(changes);
  return {
    unexpected: changes.filter((c) => !pendingSet.has(c)),
    stalePending: pending.filter((p) => !changeSet.has(p)),
    pending,
  };
}

async function main(): Promise<void> {
  const { unexpected, stalePending, pending } = await contractProblems();
  if (process.argv.includes('--write-pending')) {
    // Only for starting the list; never used to hide a new difference.
    console.log([...unexpected, ...pending].join('\n'));
    return;
  }
  for (const change of unexpected) console.error(`contract: ${change}`);
  for (const entry of stalePending) console.error(`contract-pending.txt: '${entry}' is built now; remove the entry`);
  if (unexpected.length + stalePending.length > 0) process.exit(1);
  console.log(`contract check passed (${pending.length} parts pending)`);
}

void main();
