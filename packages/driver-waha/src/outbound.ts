import { DriverError, type MediaContent, type OutboundMessage } from '@switchboard/core';

/** One WAHA send call, ready to go. */
export interface SendPlan {
  operation: string;
  method: 'POST' | 'PUT';
  path: string;
  body: Record<string, unknown>;
  /** Characters the pacing mode "types" before sending; null when the send is not paced (reactions). */
  typingChars: number | null;
}

const EXTENSIONS: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  mov: 'video/quicktime',
  ogg: 'audio/ogg; codecs=opus',
  opus: 'audio/ogg; codecs=opus',
  oga: 'audio/ogg; codecs=opus',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  amr: 'audio/amr',
  wav: 'audio/wav',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const KIND_DEFAULTS: Record<MediaContent['kind'], string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  voice: 'audio/ogg; codecs=opus',
  audio: 'audio/mpeg',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

/** The content's MIME type, else one guessed from the file name / URL extension, else the kind's usual type. */
export function mimeTypeFor(media: MediaContent): string {
  if (media.mimeType) return media.mimeType;
  const name = media.filename ?? (media.url ? new URL(media.url).pathname : '');
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return (ext && EXTENSIONS[ext]) || KIND_DEFAULTS[media.kind];
}

function isOggOpus(mime: string): boolean {
  return /^audio\/ogg\b/i.test(mime) && (!/codecs=/i.test(mime) || /codecs="?opus/i.test(mime));
}

function unsupported(what: string): DriverError {
  return new DriverError('unsupported_content', `The waha driver cannot send ${what}.`, { details: { driver: 'waha', content: what } });
}

function fileOf(media: MediaContent): Record<string, unknown> {
  if (media.providerRef !== undefined) {
    throw new DriverError(
      'unsupported_content',
      'WAHA has no uploaded-media ids: send media by url or base64 data (MediaContent.url / data), not providerRef.',
      { details: { driver: 'waha', content: 'media:providerRef' } },
    );
  }
  const source = media.url !== undefined ? { url: media.url } : media.data !== undefined ? { data: media.data } : undefined;
  if (!source) throw new DriverError('invalid_request', 'Media needs a url or base64 data.', { details: { driver: 'waha' } });
  return { mimetype: mimeTypeFor(media), ...source, ...(media.filename ? { filename: media.filename } : {}) };
}

/**
 * Maps core content to the WAHA endpoint and JSON body. Every body carries `session` and (except
 * reactions, which WAHA addresses by message id) `chatId`; replies carry `reply_to`.
 * @throws DriverError `unsupported_content` for templates, buttons, lists, stickers, locations, contacts.
 */
export function planSend(message: OutboundMessage, chatId: string, session: string, defaults: { linkPreview: boolean }): SendPlan {
  const content = message.content;
  const base = { session, chatId, ...(message.replyToProviderMessageId ? { reply_to: message.replyToProviderMessageId } : {}) };
  switch (content.type) {
    case 'text':
      return {
        operation: 'sendText',
        method: 'POST',
        path: '/api/sendText',
        body: { ...base, text: content.text, linkPreview: content.previewUrl ?? defaults.linkPreview },
        typingChars: content.text.length,
      };
    case 'media': {
      const caption = content.caption ? { caption: content.caption } : {};
      const chars = content.caption?.length ?? 0;
      switch (content.kind) {
        case 'image':
          return { operation: 'sendImage', method: 'POST', path: '/api/sendImage', body: { ...base, file: fileOf(content), ...caption }, typingChars: chars };
        case 'video': {
          const file = fileOf(content);
          const convert = !/^video\/mp4\b/i.test(String(file.mimetype));
          return { operation: 'sendVideo', method: 'POST', path: '/api/sendVideo', body: { ...base, file, convert, asNote: false, ...caption }, typingChars: chars };
        }
        case 'voice': {
          const file = fileOf(content);
          return { operation: 'sendVoice', method: 'POST', path: '/api/sendVoice', body: { ...base, file, convert: !isOggOpus(String(file.mimetype)) }, typingChars: 0 };
        }
        case 'audio':
        case 'document':
          return { operation: 'sendFile', method: 'POST', path: '/api/sendFile', body: { ...base, file: fileOf(content), ...caption }, typingChars: chars };
        default:
          throw unsupported(`media:${content.kind}`);
      }
    }
    case 'reaction':
      return {
        operation: 'reaction',
        method: 'PUT',
        path: '/api/reaction',
        body: { session, messageId: content.targetProviderMessageId, reaction: content.emoji ?? '' },
        typingChars: null,
      };
    default:
      throw unsupported(content.type);
  }
}
