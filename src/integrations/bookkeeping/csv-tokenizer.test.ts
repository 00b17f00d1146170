// Unit tests for the CSV tokenizer: records and fields, whatever the chunks the text arrives in.
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer';

function tokenize(chunks: string[], delimiter = ';', max = 1024): string[][] {
  const tokenizer = new CsvTokenizer(delimiter, max);
  return [...chunks.flatMap((chunk) => tokenizer.push(chunk)), ...tokenizer.end()];
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

const SAMPLE = 'a;b;c\r\n "x ; y" ; 12" screen ;"say ""hi"""\n"two\r\nlines";;\rlast; row ';
const EXPECTED = [
  ['a', 'b', 'c'],
  ['x ; y', '12" screen', 'say "hi"'],
  ['two\r\nlines', '', ''],
  ['last', 'row'],
];

describe('CsvTokenizer', () => {
  it('splits records at \\n, \\r\\n and \\r, trims fields and reads quoted fields', () => {
    expect(tokenize([SAMPLE])).toEqual(EXPECTED);
  });

  it('gives the same records wherever the chunks are cut', () => {
    for (let cut = 0; cut <= SAMPLE.length; cut += 1) {
      expect(tokenize([SAMPLE.slice(0, cut), SAMPLE.slice(cut)])).toEqual(EXPECTED);
    }
    expect(tokenize([...SAMPLE])).toEqual(EXPECTED);
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
