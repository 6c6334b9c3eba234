import { domainList } from './forms';

describe('dashboard form helpers', () => {
  it('should split domains on commas and spaces, dropping empty entries', () => {
    expect(domainList(' example.com,  shop.example.org ,\nwww.example.com, ')).toEqual([
      'example.com',
      'shop.example.org',
      'www.example.com',
    ]);
    expect(domainList('   ')).toEqual([]);
  });
});
