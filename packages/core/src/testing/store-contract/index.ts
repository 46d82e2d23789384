import { describe } from 'vitest';
import { agentsContract } from './agents-contract.js';
import { auditContract } from './audit-contract.js';
import { automationContract } from './automation-contract.js';
import { automationPipelineContract } from './automation-pipeline-contract.js';
import { customersContract } from './customers-contract.js';
import { echoAndStorageContract } from './echo-and-storage-contract.js';
import { useStore, type StoreContractOptions } from './harness.js';
import { inboundContract } from './inbound-contract.js';
import { DEFAULT_KPI_HISTORY_MESSAGES, kpiContract } from './kpi-contract.js';
import { kpiPipelineContract } from './kpi-pipeline-contract.js';
import { messagesContract } from './messages-contract.js';
import { notificationsContract } from './notifications-contract.js';
import { notificationsPipelineContract } from './notifications-pipeline-contract.js';
import { pipelineContract } from './pipeline-contract.js';
import { ticketsContract } from './tickets-contract.js';

export type { StoreContractOptions, StoreOracle } from './harness.js';

/**
 * The store contract: every Store implementation runs this suite in its own tests (vitest).
 * Each test gets a fresh store from `createStore`; `oracle` checks what was persisted.
 *
 * @example
 * runStoreContract('memory', { createStore: () => memoryStore(), oracle: (s) => (s as MemoryStore).oracle() });
 */
export function runStoreContract(name: string, options: StoreContractOptions): void {
  describe(`store contract: ${name}`, () => {
    const harness = useStore(options);
    agentsContract(harness);
    customersContract(harness);
    inboundContract(harness);
    ticketsContract(harness);
    messagesContract(harness);
    echoAndStorageContract(harness);
    notificationsContract(harness);
    automationContract(harness);
    auditContract(harness);
    pipelineContract(options);
    notificationsPipelineContract(options);
    automationPipelineContract(options);
    kpiContract(harness, { historyMessages: options.kpiHistoryMessages ?? DEFAULT_KPI_HISTORY_MESSAGES });
    kpiPipelineContract(options);
  });
}
