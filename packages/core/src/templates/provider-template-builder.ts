import type { TemplateComponent, TemplateContent, TemplateParameter } from '../domain/message-content.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { ProviderTemplate } from './template-model.js';

type Scalar = string | number;
/** A header media parameter. */
export interface MediaParam {
  url?: string;
  providerRef?: string;
  filename?: string;
}

/**
 * Parameters for an approved template: an array is the body's positional parameters; an object
 * may give the header, the body (positional array or named record) and per-button values (URL
 * suffix, quick-reply payload, coupon code, OTP code), by button index.
 */
export type TemplateParams =
  | Scalar[]
  | {
      header?: Scalar | MediaParam;
      body?: Scalar[] | Record<string, Scalar>;
      buttons?: Array<Scalar | null | undefined>;
    };

const POSITIONAL = /\{\{\s*(\d+)\s*\}\}/g;
const NAMED = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

/** What a template definition expects, component by component. */
export interface TemplateExpectation {
  header: { kind: 'none' } | { kind: 'text'; count: number } | { kind: 'media'; format: string };
  body: { kind: 'positional'; count: number } | { kind: 'named'; names: string[] };
  /** Button index → what its parameter is; buttons without a dynamic part are left out. */
  buttons: Map<number, { subType: 'url' | 'copy_code' | 'quick_reply'; required: boolean }>;
}

function positionalCount(text: string): number {
  return new Set([...text.matchAll(POSITIONAL)].map((m) => m[1])).size;
}

/** Reads a definition's placeholders: how many (or which named) parameters each component takes. */
export function expectationOf(template: ProviderTemplate): TemplateExpectation {
  const header = template.components.find((c) => c.type === 'HEADER');
  const body = template.components.find((c) => c.type === 'BODY');
  const buttons = template.components.find((c) => c.type === 'BUTTONS');
  const expectation: TemplateExpectation = {
    header: !header ? { kind: 'none' } : header.format === 'TEXT' ? { kind: 'text', count: positionalCount(header.text ?? '') } : { kind: 'media', format: header.format },
    body:
      template.parameterFormat === 'NAMED'
        ? { kind: 'named', names: [...new Set([...(body?.text ?? '').matchAll(NAMED)].map((m) => m[1]!))] }
        : { kind: 'positional', count: positionalCount(body?.text ?? '') },
    buttons: new Map(),
  };
  buttons?.buttons.forEach((button, index) => {
    if (button.type === 'URL' && button.url && positionalCount(button.url) > 0) expectation.buttons.set(index, { subType: 'url', required: true });
    if (button.type === 'COPY_CODE' || button.type === 'OTP') expectation.buttons.set(index, { subType: button.type === 'OTP' ? 'url' : 'copy_code', required: true });
    if (button.type === 'QUICK_REPLY') expectation.buttons.set(index, { subType: 'quick_reply', required: false });
  });
  return expectation;
}

/**
 * `{ name, language, params }` → the provider's send shape, after checking every parameter
 * against the stored definition: a missing, extra or misnamed parameter, or a template that is not
 * APPROVED, is a `ValidationError` naming each problem — nothing is sent.
 */
export function buildTemplateContent(template: ProviderTemplate, params: TemplateParams = []): TemplateContent {
  const issues: ValidationIssue[] = [];
  assertApproved(template);
  const expect = expectationOf(template);
  const given = Array.isArray(params) ? { body: params } : params;
  const components: TemplateComponent[] = [];

  if (expect.header.kind === 'none') {
    if (given.header !== undefined) issues.push({ path: 'params.header', message: `template "${template.name}" has no header parameter` });
  } else if (expect.header.kind === 'text') {
    if (expect.header.count === 0 && given.header !== undefined) issues.push({ path: 'params.header', message: 'the header takes no parameter' });
    if (expect.header.count === 1) {
      if (given.header === undefined || typeof given.header === 'object') issues.push({ path: 'params.header', message: 'the header takes 1 text parameter' });
      else components.push({ type: 'header', parameters: [{ type: 'text', text: String(given.header) }] });
    }
  } else {
    const media = given.header;
    const type = expect.header.format.toLowerCase() as 'image' | 'video' | 'document' | 'location';
    if (type === 'location') {
      issues.push({ path: 'params.header', message: 'location headers are not supported by this builder; pass components' });
    } else if (!media || typeof media !== 'object' || (!media.url && !media.providerRef)) {
      issues.push({ path: 'params.header', message: `the header takes a ${type} (url or providerRef)` });
    } else {
      components.push({ type: 'header', parameters: [{ type, ...(media.url ? { url: media.url } : {}), ...(media.providerRef ? { providerRef: media.providerRef } : {}), ...(media.filename ? { filename: media.filename } : {}) }] });
    }
  }

  const body = given.body;
  if (expect.body.kind === 'positional') {
    const values = body === undefined ? [] : Array.isArray(body) ? body : null;
    if (values === null) issues.push({ path: 'params.body', message: `the body takes ${expect.body.count} positional parameters (an array)` });
    else if (values.length !== expect.body.count) {
      issues.push({ path: 'params.body', message: `the body takes ${expect.body.count} parameter${expect.body.count === 1 ? '' : 's'}, got ${values.length}` });
    } else if (values.length > 0) components.push({ type: 'body', parameters: values.map((v) => textParam(v)) });
  } else {
    const names = expect.body.names;
    const record = body && !Array.isArray(body) ? body : null;
    if (!record) issues.push({ path: 'params.body', message: `the body takes named parameters: ${names.join(', ')}` });
    else {
      const missing = names.filter((n) => record[n] === undefined);
      const extra = Object.keys(record).filter((n) => !names.includes(n));
      for (const n of missing) issues.push({ path: `params.body.${n}`, message: 'missing' });
      for (const n of extra) issues.push({ path: `params.body.${n}`, message: 'not a parameter of this template' });
      if (missing.length === 0 && extra.length === 0 && names.length > 0) {
        components.push({ type: 'body', parameters: names.map((n) => textParam(record[n]!, n)) });
      }
    }
  }

  const buttons = given.buttons ?? [];
  buttons.forEach((value, index) => {
    if (value !== undefined && value !== null && !expect.buttons.has(index)) issues.push({ path: `params.buttons.${index}`, message: 'this button takes no parameter' });
  });
  for (const [index, button] of expect.buttons) {
    const value = buttons[index];
    if (value === undefined || value === null) {
      if (button.required) issues.push({ path: `params.buttons.${index}`, message: `button ${index} needs a ${button.subType === 'copy_code' ? 'coupon code' : 'URL suffix / code'}` });
      continue;
    }
    const parameter: TemplateParameter =
      button.subType === 'quick_reply' ? { type: 'payload', payload: String(value) } : button.subType === 'copy_code' ? { type: 'coupon_code', couponCode: String(value) } : { type: 'text', text: String(value) };
    components.push({ type: 'button', subType: button.subType, index, parameters: [parameter] });
  }

  if (issues.length > 0) {
    throw new ValidationError(`Template "${template.name}" (${template.language}): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, issues);
  }
  return { type: 'template', name: template.name, language: template.language, components };
}

/**
 * Checks ready-made template content (components in the send shape) against the definition: the
 * header, body and dynamic buttons must get exactly the parameters the template declares.
 */
export function checkTemplateContent(template: ProviderTemplate, content: TemplateContent): void {
  assertApproved(template);
  const expect = expectationOf(template);
  const issues: ValidationIssue[] = [];
  const count = (type: 'header' | 'body'): number => content.components.filter((c) => c.type === type).reduce((n, c) => n + c.parameters.length, 0);
  const headerExpected = expect.header.kind === 'none' ? 0 : expect.header.kind === 'text' ? expect.header.count : 1;
  if (count('header') !== headerExpected) issues.push({ path: 'components.header', message: `takes ${headerExpected} parameter(s), got ${count('header')}` });
  const bodyExpected = expect.body.kind === 'positional' ? expect.body.count : expect.body.names.length;
  if (count('body') !== bodyExpected) issues.push({ path: 'components.body', message: `takes ${bodyExpected} parameter(s), got ${count('body')}` });
  if (expect.body.kind === 'named') {
    const allowed = expect.body.names;
    const names = content.components.filter((c) => c.type === 'body').flatMap((c) => c.parameters.map((p) => ('parameterName' in p ? p.parameterName : undefined)));
    const unknown = names.filter((n) => n === undefined || !allowed.includes(n));
    if (unknown.length > 0) issues.push({ path: 'components.body', message: `named parameters must be ${allowed.join(', ')}` });
  }
  for (const [index, button] of expect.buttons) {
    if (button.required && !content.components.some((c) => c.type === 'button' && c.index === index)) {
      issues.push({ path: `components.button.${index}`, message: 'needs a parameter' });
    }
  }
  for (const c of content.components) {
    if (c.type === 'button' && !expect.buttons.has(c.index)) issues.push({ path: `components.button.${c.index}`, message: 'this button takes no parameter' });
  }
  if (issues.length > 0) {
    throw new ValidationError(`Template "${template.name}" (${template.language}): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, issues);
  }
}

function assertApproved(template: ProviderTemplate): void {
  if (template.status !== 'APPROVED') {
    throw new ValidationError(`Template "${template.name}" (${template.language}) is ${template.status}; only APPROVED templates can be sent.`, [
      { path: 'template', message: `status ${template.status}` },
    ]);
  }
}

function textParam(value: Scalar, parameterName?: string): TemplateParameter {
  return { type: 'text', text: String(value), ...(parameterName ? { parameterName } : {}) };
}
