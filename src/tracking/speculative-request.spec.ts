import { isSpeculativeRequest } from './speculative-request.js';

describe('isSpeculativeRequest', () => {
  it.each([
    ['Sec-Purpose: prefetch (speculation rules, Firefox)', { 'sec-purpose': 'prefetch' }],
    ['Sec-Purpose: prefetch;prerender (Chrome prerender)', { 'sec-purpose': 'prefetch;prerender' }],
    [
      'Sec-Purpose: prefetch;anonymous-client-ip (Chrome private prefetch proxy)',
      { 'sec-purpose': 'prefetch;anonymous-client-ip' },
    ],
    ['Sec-Purpose with spaces around its parameter', { 'sec-purpose': 'prefetch ; prerender' }],
    ['Purpose: prefetch (Chrome <link rel=prefetch>)', { purpose: 'prefetch' }],
    ['Purpose: Prefetch in another case', { purpose: 'Prefetch' }],
    ['X-Purpose: preview (Safari link previews)', { 'x-purpose': 'preview' }],
    ['X-Purpose: prefetch', { 'x-purpose': 'prefetch' }],
    ['X-Moz: prefetch (older Firefox)', { 'x-moz': 'prefetch' }],
    ['a later item of a list', { purpose: 'something-else, prefetch' }],
    ['a repeated header', { purpose: ['something-else', 'PREVIEW'] }],
  ])('should recognise %s', (_, headers) => {
    expect(isSpeculativeRequest(headers)).toBe(true);
  });

  it.each([
    ['no purpose header at all', {}],
    ['an empty header', { 'sec-purpose': '' }],
    ['a token that merely starts with prefetch', { 'sec-purpose': 'prefetch-analysis' }],
    ['a token that merely contains preview', { 'x-purpose': 'nopreview' }],
    ['prefetch only as a parameter', { purpose: 'navigate;prefetch' }],
    ['an unrelated value', { 'x-moz': 'microsummary' }],
    ['prefetch in an unrelated header', { 'x-requested-with': 'prefetch' }],
  ])('should not treat %s as speculative', (_, headers) => {
    expect(isSpeculativeRequest(headers)).toBe(false);
  });
});
