/**
 * @switchboard/driver-cloudapi — Switchboard's driver for the Meta WhatsApp Cloud API (Graph
 * API): sends every content kind, media upload/download, signed webhooks (one number or many
 * through `cloudApiWebhookRouter`), template management and health.
 *
 * @packageDocumentation
 */
export { cloudApiDriver, CloudApiDriver, CLOUD_API_CAPABILITIES, HEALTH_FIELDS } from './cloud-api-driver.js';
export type { MarkReadInput } from './cloud-api-driver.js';
export type { CloudApiDriverOptions, CloudApiRateLimitOptions, DispatcherLike, FetchLike, FetchResponseLike } from './options.js';
export { cloudApiWebhookRouter } from './webhook-router.js';
export type { CloudApiWebhookRouter, CloudApiWebhookRouterOptions } from './webhook-router.js';
export { sha256Hex } from './media.js';
export type { CloudApiMediaApi, MediaInfo, UploadMediaInput, Sha256Policy } from './media.js';
export { TEMPLATE_FIELDS } from './templates.js';
export type {
  CloudApiTemplates,
  ProviderTemplate,
  ProviderTemplateComponent,
  TemplateStatus,
  TemplateCategory,
  TemplateListQuery,
  TemplatePage,
  CreateTemplateInput,
  CreateTemplateResult,
} from './templates.js';
export { classify as classifyGraphError } from './graph-errors.js';
export type { GraphError, Classification } from './graph-errors.js';
export { verifySignature, signatureFor, escapeNonAscii } from './webhook-signature.js';
export type { SignatureCheck } from './webhook-signature.js';
export type * from './graph-types.js';
