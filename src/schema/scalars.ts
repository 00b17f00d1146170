// The contract's scalars: DateTime (UTC instant), Date (calendar day) and Decimal (money as a string).
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isCalendarDate } from '../domain/dates';

function invalid(scalar: string, value: unknown): GraphQLError {
  return new GraphQLError(`${scalar} cannot represent ${JSON.stringify(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

function literalString(scalar: string, ast: ValueNode): string {
  if (ast.kind !== Kind.STRING) throw invalid(scalar, ast.kind);
  return ast.value;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 instant, UTC',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw invalid('DateTime', value);
    return date.toISOString();
  },
  parseValue(value) {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(String(value))) throw invalid('DateTime', value);
    return date;
  },
  parseLiteral(ast) {
    return this.parseValue!(literalString('DateTime', ast));
  },
});

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'ISO-8601 calendar date, YYYY-MM-DD',
  serialize(value) {
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    if (!isCalendarDate(text)) throw invalid('Date', value);
    return text;
  },
  parseValue(value) {
    if (typeof value !== 'string' || !isCalendarDate(value)) throw invalid('Date', value);
    return value;
  },
  parseLiteral(ast) {
    return this.parseValue!(literalString('Date', ast));
  },
});

const DECIMAL = /^-?\d{1,15}(\.\d{1,2})?$/;

/** Money travels as a string with at most two decimals; it never becomes a JS float. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'decimal number as a string, e.g. "1250.00"',
  serialize(value) {
    return String(value);
  },
  parseValue(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value.trim())) throw invalid('Decimal', value);
    return value.trim();
  },
  parseLiteral(ast) {
    return this.parseValue!(literalString('Decimal', ast));
  },
});
