// Unit tests for splitting a single address line into street and house number.
import { splitStreetAndNumber } from './address';

describe('splitStreetAndNumber', () => {
  it.each([
    ['Keizersgracht 123A', 'Keizersgracht', '123A'],
    ['Hoofdstraat 12-3', 'Hoofdstraat', '12-3'],
    ['Main Street 5 bis', 'Main Street', '5 bis'],
    ['Keizersgracht 123 A', 'Keizersgracht', '123 A'],
    ['Hoofdstraat 12 hs', 'Hoofdstraat', '12 hs'],
    ['Keizersgracht 123-III', 'Keizersgracht', '123-III'],
    ['Rue de la Loi 16 bus 2', 'Rue de la Loi', '16 bus 2'],
    ['Hovedgatan 32', 'Hovedgatan', '32'],
    ['  Lange   Voorhout 9 ', 'Lange Voorhout', '9'],
    ['Plein 1944 5', 'Plein 1944', '5'],
    ['Laan 1940-1945 12', 'Laan 1940-1945', '12'],
    ['Straat van 18 september 12', 'Straat van 18 september', '12'],
    ['1e Helmersstraat 106', '1e Helmersstraat', '106'],
    ['Straße des 17. Juni 135', 'Straße des 17. Juni', '135'],
    ['Main street 2, Building 4', 'Main street', '2, Building 4'],
    ['221B Baker Street', 'Baker Street', '221B'],
    ['12, rue de la Paix', 'rue de la Paix', '12'],
  ])('%j -> %j + %j', (line, street, houseNumber) => {
    expect(splitStreetAndNumber(line)).toEqual({ street, houseNumber });
  });

  it('leaves a line without a number alone', () => {
    expect(splitStreetAndNumber('Postbus')).toEqual({ street: 'Postbus', houseNumber: null });
    expect(splitStreetAndNumber('Dorpsstraat')).toEqual({ street: 'Dorpsstraat', houseNumber: null });
  });
});
