import { describe } from 'vitest';
import { agentsContract } from './agents-contract.js';
import { auditContract } from './audit-contract.js';
import { automationContract } from './automation-contract.js';
import { automationPipelineContract } from './automation-pipeline-contract.js';
import { customersContract } from './customers-contract.js';
import { eraseContract } from './erase-contract.js';
import { echoAndStorageContract } from './echo-and-storage-contract.js';
import { useStore, type StoreContractOptions } from './harness.js';
import { inboundContract } from './inbound-contract.js';
import { inboundRoutingContract, inboundRoutingPipelineContract } from './inbound-routing-contract.js';
import { DEFAULT_KPI_HISTORY_MESSAGES, kpiContract } from './kpi-contract.js';
import { kpiPipelineContract } from './kpi-pipeline-contract.js';
import { liveContract } from './live-contract.js';
import { messagesContract } from './messages-contract.js';
import { notificationsContract } from './notifications-contract.js';
import { notificationsPipelineContract } from './notifications-pipeline-contract.js';
import { pipelineContract } from './pipeline-contract.js';
import { searchContract } from './search-contract.js';
import { searchErasePipelineContract } from './search-erase-pipeline-contract.js';
import { ticketsContract } from './tickets-contract.js';

export type { StoreContractOptions, StoreOracle } from './harness.js';

/** Capability names for `StoreContractOptions.skip`, in the order the suite runs them. */
export const STORE_CONTRACT_CAPABILITIES = [
  'agents',
  'customers',
  'inbound',
  'inbound-routing',
  'tickets',
  'messages',
  'search',
  'erase',
  'echo-and-storage',
  'notifications',
  'automation',
  'audit',
  'pipeline',
  'notifications-pipeline',
  'automation-pipeline',
  'kpis',
  'kpi-pipeline',
  'search-erase-pipeline',
  'live',
] as const;

export type StoreContractCapability = (typeof STORE_CONTRACT_CAPABILITIES)[number];

/**
 * The store contract: every Store implementation runs this suite in its own tests (vitest).
 * Each test gets a fresh store from `createStore`; `oracle` checks what was persisted.
 *
 * @example
 * runStoreContract('memory', { createStore: () => memoryStore(), oracle: (s) => (s as MemoryStore).oracle() });
 */
export function runStoreContract(name: string, options: StoreContractOptions): void {
  const skip = new Set<string>(options.skip ?? []);
  const unknown = [...skip].filter((c) => !(STORE_CONTRACT_CAPABILITIES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`runStoreContract: unknown capabilities in skip: ${unknown.join(', ')} (known: ${STORE_CONTRACT_CAPABILITIES.join(', ')})`);
  // A skipped capability still shows up in the report, as skipped, so a partial store never looks complete.
  const section = (capability: StoreContractCapability, body: () => void): void => {
    if (skip.has(capability)) describe.skip(`[${capability}] not implemented by this store yet`, body);
    else body();
  };
  describe(`store contract: ${name}`, () => {
    const harness = useStore(options);
    section('agents', () => agentsContract(harness));
    section('customers', () => customersContract(harness));
    section('inbound', () => inboundContract(harness));
    section('inbound-routing', () => {
      inboundRoutingContract(harness);
      inboundRoutingPipelineContract(options);
    });
    section('tickets', () => ticketsContract(harness));
    section('messages', () => messagesContract(harness));
    section('search', () => searchContract(harness));
    section('erase', () => eraseContract(harness));
    section('echo-and-storage', () => echoAndStorageContract(harness));
    section('notifications', () => notificationsContract(harness));
    section('automation', () => automationContract(harness));
    section('audit', () => auditContract(harness));
    section('pipeline', () => pipelineContract(options));
    section('notifications-pipeline', () => notificationsPipelineContract(options));
    section('automation-pipeline', () => automationPipelineContract(options));
    section('kpis', () => kpiContract(harness, { historyMessages: options.kpiHistoryMessages ?? DEFAULT_KPI_HISTORY_MESSAGES }));
    section('kpi-pipeline', () => kpiPipelineContract(options));
    section('search-erase-pipeline', () => searchErasePipelineContract(options));
    section('live', () => liveContract(harness, options));
  });
}
