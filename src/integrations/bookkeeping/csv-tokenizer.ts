// Splits CSV bytes (UTF-8) into records, fed in chunks. Written for speed (a bookkeeping export of 100,000 rows is
// split in a fraction of a second); it follows RFC 4180 with the leniency exports need:
// - records end at \n, \r\n or \r; fields are separated by one delimiter character;
// - spaces and tabs around a field are dropped (trailing white space of an unquoted field too);
// - a field that starts with a quote is quoted: it may hold delimiters, line breaks and doubled quotes (""); after
//   its closing quote only white space may follow before the delimiter;
// - a quote inside an unquoted field is an ordinary character (`12" screen`).
// It works on bytes: every character it looks for is ASCII, which never occurs inside a multi-byte UTF-8 sequence.
// Each field is decoded on its own, so a field never keeps a whole chunk of the file alive in memory, and bytes
// that are not UTF-8 become U+FFFD (the caller reports them).

/** The text cannot be split into records (unclosed quote, text after a closing quote, a record too large). */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    /** The record (1-based, the header is record 1) where the problem is. */
    readonly record: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const EMPTY = Buffer.alloc(0);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const INCOMPLETE = -1;

export class CsvTokenizer {
  private readonly delimiter: number;
  private rest: Buffer = EMPTY;
  private records = 0;
  private started = false;

  constructor(
    delimiter: string,
    /** Longest record accepted, in bytes: an unbalanced quote must not swallow a whole file into memory. */
    private readonly maxRecordBytes: number,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Adds bytes; returns the records they completed. A UTF-8 byte order mark at the start is skipped. */
  push(chunk: Buffer): string[][] {
    let bytes = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    if (!this.started) {
      if (bytes.length < BOM.length && BOM.subarray(0, bytes.length).equals(bytes)) {
        this.rest = bytes;
        return [];
      }
      this.started = true;
      if (bytes.subarray(0, BOM.length).equals(BOM)) bytes = bytes.subarray(BOM.length);
    }
    return this.split(bytes, false);
  }

  /** The input has ended: returns the last record, if the text did not end with a line break. */
  end(): string[][] {
    return this.split(this.rest, true);
  }

  private split(bytes: Buffer, final: boolean): string[][] {
    const out: string[][] = [];
    let pos = 0;
    while (pos < bytes.length) {
      const end = this.record(bytes, pos, final, out);
      if (end === INCOMPLETE) break;
      pos = end;
    }
    // A copy: the unfinished record must not keep the whole chunk alive.
    this.rest = pos === bytes.length ? EMPTY : Buffer.from(bytes.subarray(pos));
    if (this.rest.length > this.maxRecordBytes) this.tooLong();
    return out;
  }

  private tooLong(): never {
    throw new CsvSyntaxError(`Max Record Size: a record is longer than ${this.maxRecordBytes} bytes`, this.records + 1);
  }

  private isBlank(code: number): boolean {
    return (code === SPACE || code === TAB) && code !== this.delimiter;
  }

  /** Reads one record from `start`; returns where the next one starts, or INCOMPLETE when more bytes are needed. */
  private record(bytes: Buffer, start: number, final: boolean, out: string[][]): number {
    const length = bytes.length;
    const delimiter = this.delimiter;
    const fields: string[] = [];
    let pos = start;
    for (;;) {
      while (pos < length && this.isBlank(bytes[pos])) pos += 1;
      let value: string;
      if (pos < length && bytes[pos] === QUOTE) {
        let from = pos + 1;
        value = '';
        for (;;) {
          const close = bytes.indexOf(QUOTE, from);
          if (close < 0 || (close + 1 === length && !final)) {
            if (!final) return INCOMPLETE;
            throw new CsvSyntaxError('Quote Not Closed: the input ends inside a quoted field', this.records + 1);
          }
          value += bytes.toString('utf8', from, close);
          if (bytes[close + 1] === QUOTE) {
            value += '"';
            from = close + 2;
            continue;
          }
          pos = close + 1;
          break;
        }
        while (pos < length && this.isBlank(bytes[pos])) pos += 1;
        if (pos < length) {
          const code = bytes[pos];
          if (code !== delimiter && code !== CR && code !== LF) {
            throw new CsvSyntaxError('Invalid Closing Quote: only a delimiter or the end of the line may follow a closing quote', this.records + 1);
          }
        }
      } else {
        const from = pos;
        while (pos < length) {
          const code = bytes[pos];
          if (code === delimiter || code === LF || code === CR) break;
          pos += 1;
        }
        let to = pos;
        while (to > from && this.isBlank(bytes[to - 1])) to -= 1;
        value = from === to ? '' : bytes.toString('utf8', from, to);
      }
      fields.push(value);
      if (pos >= length) {
        if (!final) return INCOMPLETE;
        this.emit(fields, pos - start, out);
        return pos;
      }
      const code = bytes[pos];
      if (code === delimiter) {
        pos += 1;
        continue;
      }
      // A line break: \r\n is one, unless the \n has not arrived yet.
      if (code === CR) {
        if (pos + 1 >= length && !final) return INCOMPLETE;
        pos += bytes[pos + 1] === LF ? 2 : 1;
      } else {
        pos += 1;
      }
      this.emit(fields, pos - start, out);
      return pos;
    }
  }

  private emit(fields: string[], length: number, out: string[][]): void {
    if (length > this.maxRecordBytes) this.tooLong();
    this.records += 1;
    out.push(fields);
  }
}
