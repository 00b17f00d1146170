// Unit tests for the CSV tokenizer: records and fields, whatever the chunks the bytes arrive in.
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer';

function tokenize(chunks: (string | Buffer)[], delimiter = ';', max = 1024): string[][] {
  const tokenizer = new CsvTokenizer(delimiter, max);
  return [...chunks.flatMap((chunk) => tokenizer.push(Buffer.from(chunk))), ...tokenizer.end()];
}

function syntaxError(chunks: string[], max = 1024): CsvSyntaxError {
  try {
    tokenize(chunks, ';', max);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a syntax error');
}

const SAMPLE = Buffer.from('\uFEFFa;b;Crème\r\n "x ; y" ; 12" screen ;"say ""hi"""\n"two\r\nlines";;\rlast; row ');
const EXPECTED = [
  ['a', 'b', 'Crème'],
  ['x ; y', '12" screen', 'say "hi"'],
  ['two\r\nlines', '', ''],
  ['last', 'row'],
];

describe('CsvTokenizer', () => {
  it('splits records at \\n, \\r\\n and \\r, trims fields, reads quoted fields and skips a BOM', () => {
    expect(tokenize([SAMPLE])).toEqual(EXPECTED);
  });

  it('gives the same records wherever the chunks are cut, even inside the BOM or a multi-byte character', () => {
    for (let cut = 0; cut <= SAMPLE.length; cut += 1) {
      expect(tokenize([SAMPLE.subarray(0, cut), SAMPLE.subarray(cut)])).toEqual(EXPECTED);
    }
    expect(tokenize([...SAMPLE].map((byte) => Buffer.from([byte])))).toEqual(EXPECTED);
  });

  it('decodes bytes that are not UTF-8 as U+FFFD', () => {
    expect(tokenize([Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x3b, 0x78])])).toEqual([['Caf\uFFFD', 'x']]);
  });

  it('keeps empty lines as one empty field and drops nothing after a final line break', () => {
    expect(tokenize(['a;b\n\nc;d\n'])).toEqual([['a', 'b'], [''], ['c', 'd']]);
  });

  it('uses a tab delimiter without trimming it away', () => {
    expect(tokenize(['a\t\tb \n'], '\t')).toEqual([['a', '', 'b']]);
  });

  it('refuses an unclosed quote, text after a closing quote and a record that is too long, naming the record', () => {
    expect(syntaxError(['h\n"open;1\n2\n'])).toMatchObject({ record: 2, message: expect.stringContaining('Quote Not Closed') });
    expect(syntaxError(['h\nok\n"closed"x;1\n'])).toMatchObject({ record: 3, message: expect.stringContaining('Invalid Closing Quote') });
    expect(syntaxError(['h\n"', 'x'.repeat(40)], 32)).toMatchObject({ record: 2, message: expect.stringContaining('Max Record Size') });
    expect(syntaxError([`h\n${'x'.repeat(40)}\n`], 32)).toMatchObject({ record: 2 });
  });
});
