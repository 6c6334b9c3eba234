import { cleanText } from './clean-text.js';

describe('cleanText', () => {
  it('should leave ordinary text unchanged', () => {
    expect(cleanText('Hello, wörld! 東京')).toBe('Hello, wörld! 東京');
  });

  it('should remove every NUL character', () => {
    expect(cleanText('\u0000a\u0000b\u0000')).toBe('ab');
  });

  it('should replace a lone high surrogate with U+FFFD', () => {
    expect(cleanText('a\uD800b')).toBe('a\uFFFDb');
  });

  it('should replace a lone low surrogate with U+FFFD', () => {
    expect(cleanText('\uDFFFend')).toBe('\uFFFDend');
  });

  it('should replace both halves of a surrogate pair given in the wrong order', () => {
    expect(cleanText('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
  });

  it('should keep valid surrogate pairs such as emoji', () => {
    expect(cleanText('I 😀 🇫🇷')).toBe('I 😀 🇫🇷');
  });

  it('should clean NULs and lone surrogates together while keeping emoji', () => {
    const cleaned = cleanText('x\u0000😀\uD800y');
    expect(cleaned).toBe('x😀\uFFFDy');
    expect(cleaned.isWellFormed()).toBe(true);
  });
});
