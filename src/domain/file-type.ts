// What a file is, told from its first bytes rather than from its name: attachments are typed by their content.

export interface FileType {
  contentType: string;
  extension: string;
}

const startsWith = (content: Buffer, signature: number[] | string, offset = 0) => {
  const bytes = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature);
  return content.length >= offset + bytes.length && content.subarray(offset, offset + bytes.length).equals(bytes);
};

/** Programs and scripts: never passed on to a debtor, whatever their name says. */
export function isExecutable(content: Buffer): boolean {
  return startsWith(content, 'MZ') || startsWith(content, [0x7f, 0x45, 0x4c, 0x46]) || startsWith(content, '#!') || startsWith(content, [0xca, 0xfe, 0xba, 0xbe]);
}

/** Office Open XML files are ZIPs whose first entries name their kind. */
function zipKind(content: Buffer): FileType {
  const head = content.subarray(0, 4096).toString('latin1');
  if (head.includes('word/')) return { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' };
  if (head.includes('xl/')) return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' };
  if (head.includes('ppt/')) return { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx' };
  return { contentType: 'application/zip', extension: 'zip' };
}

function isText(content: Buffer): boolean {
  if (content.includes(0)) return false;
  try {
    // stream: a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(content, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function sniffFileType(content: Buffer): FileType {
  if (startsWith(content, '%PDF-')) return { contentType: 'application/pdf', extension: 'pdf' };
  if (startsWith(content, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { contentType: 'image/png', extension: 'png' };
  if (startsWith(content, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(content, 'GIF87a') || startsWith(content, 'GIF89a')) return { contentType: 'image/gif', extension: 'gif' };
  if (startsWith(content, 'RIFF') && startsWith(content, 'WEBP', 8)) return { contentType: 'image/webp', extension: 'webp' };
  if (startsWith(content, [0x49, 0x49, 0x2a, 0x00]) || startsWith(content, [0x4d, 0x4d, 0x00, 0x2a])) return { contentType: 'image/tiff', extension: 'tif' };
  if (startsWith(content, [0x50, 0x4b, 0x03, 0x04])) return zipKind(content);
  if (startsWith(content, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { contentType: 'application/vnd.ms-office', extension: 'doc' };
  const text = content.subarray(0, 64 * 1024);
  if (isText(text)) {
    const start = text.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (start.startsWith('<?xml')) return { contentType: 'application/xml', extension: 'xml' };
    return { contentType: 'text/plain', extension: 'txt' };
  }
  return { contentType: 'application/octet-stream', extension: 'bin' };
}
