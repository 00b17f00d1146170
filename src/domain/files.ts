// A file handed to the server (a GraphQL multipart upload, a downloaded source) and the size every file is held to.
import type { Readable } from 'node:stream';

export interface FileUpload {
  filename: string;
  mimetype: string;
  encoding: string;
  createReadStream(): Readable;
}

export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** Files one GraphQL multipart request may carry: one import file, or a message's attachments. */
export const MAX_FILES_PER_REQUEST = 20;
